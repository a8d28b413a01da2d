//! The streaming typed reader agrees with the general reader: on CPython's
//! pickles of the derive test types at every protocol, and on thousands of
//! mutations of them, whenever the streaming reader returns a value, the
//! general reader returns the same value. It also must actually stream the
//! shapes CPython writes at protocol 2 and above.
//!
//! The same holds for the one-pass `Value` reader, which the streaming
//! reader uses for a whole pickle read as a `Value`: its value must equal
//! the general reader's and write back to the same bytes (which tells
//! sharing apart, as equality does not).

mod common;
mod shop;

use std::collections::BTreeMap;

use pickle_core::__private::{
    decode_general, decode_general_with, decode_streaming, decode_streaming_with,
};
use pickle_core::de::{Limits, Options};
use pickle_core::{Protocol, Value};
use shop::cases::Case;

/// Checks the one-pass `Value` reader against the general reader on
/// `bytes`: `Ok(true)` if it read the same value (equal, and written back
/// at `proto` to the same bytes), `Ok(false)` if it gave up.
fn value_check(bytes: &[u8], proto: u8) -> Result<bool, String> {
    let Some(fast) = decode_streaming::<Value>(bytes) else {
        return Ok(false);
    };
    let general = decode_general::<Value>(bytes)
        .map_err(|e| format!("one-pass read {fast:?}, general failed: {e}"))?;
    if fast != general {
        return Err(format!("one-pass read {fast:?}, general read {general:?}"));
    }
    let proto = Protocol::try_from(proto).map_err(|e| e.to_string())?;
    let written = |v: &Value| pickle_core::to_vec_with(v, proto).map_err(|e| e.to_string());
    if written(&fast) != written(&general) {
        return Err(format!(
            "one-pass read {fast:?}, general read {general:?}: written back differently"
        ));
    }
    Ok(true)
}

fn cases() -> Vec<Case> {
    shop::cases::all()
}

/// CPython's pickles of `cases`: (case name, protocol, bytes).
fn pickles_of(cases: &[Case]) -> Vec<(String, u8, Vec<u8>)> {
    let records = common::read_records(&common::python("derive_read.py", &["good"], b""));
    records
        .chunks(3)
        .map(|r| {
            let name = String::from_utf8(r[0].clone()).expect("ascii");
            let proto: u8 = std::str::from_utf8(&r[1])
                .expect("ascii")
                .parse()
                .expect("a number");
            (name, proto, r[2].clone())
        })
        .filter(|(name, ..)| cases.iter().any(|c| c.name == name))
        .collect()
}

/// CPython's pickles of the cases that CPython and Rust both write.
fn pickles() -> Vec<(String, u8, Vec<u8>)> {
    pickles_of(&cases())
}

/// A set at protocols 2 and 3 is a call of `builtins.set` on a list: the
/// list's last batch is followed by `TUPLE1 REDUCE`, which the streaming
/// reader reads too (it does not give up to the general reader).
#[test]
fn streams_sets_written_as_calls() {
    use std::collections::{BTreeSet, HashSet};
    let records = common::read_records(&common::python("sets_as_calls.py", &[], b""));
    assert_eq!(records.len(), 6);
    for r in records.chunks(3) {
        let proto = String::from_utf8_lossy(&r[0]);
        let ints = decode_streaming::<HashSet<i64>>(&r[1]);
        assert_eq!(ints, Some(HashSet::from([1, 2, 3])), "protocol {proto}");
        let tags = decode_streaming::<BTreeSet<String>>(&r[2]);
        let expected: BTreeSet<String> = (0..5).map(|i| format!("tag{i}")).collect();
        assert_eq!(tags, Some(expected), "protocol {proto}");
    }
}

/// Which memo entries a `GET` reads back is first guessed (none). A `GET`
/// of a string or a global not kept finds it again by walking from a
/// nearby memo write, wherever it is: orders sharing 3 or 40 customer
/// strings, or the first order's with the last. A `GET` of anything else
/// (an enum member) starts the decoding again keeping it, and one that
/// comes after a quarter of the pickle (a member first used late) leaves
/// the choice to a pass over the whole pickle. Each must stream, and agree
/// with the general reader.
#[test]
fn streams_pickles_that_read_back_memo_entries_from_anywhere() {
    let cases = shop::cases::sharing();
    let mut failures = Vec::new();
    let mut streamed = 0;
    for (name, proto, bytes) in pickles_of(&cases) {
        let case = cases.iter().find(|c| c.name == name).expect("a case");
        match (case.stream)(&bytes) {
            Ok(true) => streamed += 1,
            Ok(false) if proto < 2 => {}
            Ok(false) => failures.push(format!("{name} at protocol {proto}: did not stream")),
            Err(e) => failures.push(format!("{name} at protocol {proto}: {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(streamed >= 4 * 4, "only {streamed} pickles streamed");
}

/// Enum members by name, `getattr(cls, 'NAME')`, as CPython 3.11.0 to
/// 3.11.4 write every member, stream at protocol 2 and above, and agree
/// with the general reader.
#[test]
fn streams_enum_members_by_name() {
    use shop::{Mood, Priority, Status};
    let cases = vec![
        shop::cases::case(
            "statuses_by_name",
            vec![Status::Shipped, Status::New, Status::Shipped],
        ),
        shop::cases::case("moods_by_name", (Mood::Happy, Mood::SoSo, Priority::Urgent)),
    ];
    let mut streamed = 0;
    for (name, proto, bytes) in pickles_of(&cases) {
        let case = cases.iter().find(|c| c.name == name).expect("a case");
        match (case.stream)(&bytes) {
            Ok(true) => streamed += 1,
            Ok(false) => assert!(proto < 2, "{name} at protocol {proto}: did not stream"),
            Err(e) => panic!("{name} at protocol {proto}: {e}"),
        }
    }
    assert!(streamed >= 2 * 4, "only {streamed} pickles streamed");
}

/// A list's or dict's batch of fewer than 1000 items is its last in
/// CPython's pickles, so the reader ends the container there (unless a
/// `MARK` follows) instead of looking ahead. A writer with smaller batches
/// writes one item more as `item APPEND` (`key value SETITEM`), which the
/// reader must not take for the value after the container: it gives up on
/// it, and the general reader reads it. Whole batches of any size still
/// stream.
#[test]
fn containers_in_smaller_batches_than_cpython_s_agree() {
    let records = common::read_records(&common::python("small_batches.py", &[], b""));
    let orders: Vec<shop::Order> = (0..9)
        .map(|k| shop::cases::order(k, shop::Status::New, 3, k % 2 == 0))
        .collect();
    let cases = [
        shop::cases::case(
            "strings_6",
            (0..6).map(|i| format!("item {i}")).collect::<Vec<_>>(),
        ),
        shop::cases::case(
            "strings_7",
            (0..7).map(|i| format!("item {i}")).collect::<Vec<_>>(),
        ),
        shop::cases::case(
            "lists",
            (0..5)
                .map(|i| vec![format!("a{i}"), format!("b{i}"), format!("c{i}")])
                .collect::<Vec<_>>(),
        ),
        shop::cases::case("orders", orders),
        shop::cases::case("dict_6", keyed(6)),
        shop::cases::case("dict_7", keyed(7)),
        shop::cases::case(
            "dict_of_dicts",
            (0..5)
                .map(|i| {
                    let inner: BTreeMap<String, Vec<String>> = (0..3)
                        .map(|j| (format!("s{j}"), vec![format!("a{i}"), format!("b{j}")]))
                        .collect();
                    (format!("g{i}"), inner)
                })
                .collect::<BTreeMap<_, _>>(),
        ),
    ];
    let mut failures = Vec::new();
    for r in records.chunks(3) {
        let (name, batch) = (
            String::from_utf8_lossy(&r[0]),
            String::from_utf8_lossy(&r[1]),
        );
        let case = cases.iter().find(|c| c.name == name).expect("a case");
        if let Err(e) = (case.read)(&r[2]) {
            failures.push(format!("{name} in batches of {batch}: {e}"));
        }
        // Whole batches only (6 items in batches of 2 or 3), or one batch.
        let must_stream = matches!(&*name, "strings_6" | "dict_6") || batch == "500";
        match (case.stream)(&r[2]) {
            Ok(streamed) if streamed || !must_stream => {}
            Ok(_) => failures.push(format!("{name} in batches of {batch} did not stream")),
            Err(e) => failures.push(format!("{name} in batches of {batch}: {e}")),
        }
    }
    assert_eq!(records.len(), 3 * 3 * cases.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `{"k0": 0, ...}` of `n` entries.
fn keyed(n: i64) -> BTreeMap<String, i64> {
    (0..n).map(|i| (format!("k{i}"), i)).collect()
}

/// A short list of strings, numbers or memo `GET`s is read into a vector
/// with room for as many items as it holds (a vector grown item by item
/// starts with room for four): the orders' tags, one or two strings each.
#[test]
fn short_lists_of_atoms_are_read_into_vectors_of_their_length() {
    let (_, _, bytes) = pickles()
        .into_iter()
        .find(|(name, proto, _)| name == "bulk_orders" && *proto == 5)
        .expect("CPython's pickle of `bulk_orders`");
    let orders: Vec<shop::Order> =
        pickle_core::__private::decode_streaming(&bytes).expect("streams");
    let tagged = orders.iter().filter(|o| !o.tags.is_empty()).count();
    assert!(tagged > 500, "only {tagged} orders have tags");
    for order in &orders {
        assert_eq!(order.tags.capacity(), order.tags.len(), "{:?}", order.tags);
    }
}

#[test]
fn streams_what_cpython_writes_and_agrees() {
    let cases = cases();
    let mut disagreements = Vec::new();
    let (mut modern, mut streamed, mut values) = (0, 0, 0);
    let mut big_streamed = 0;
    for (name, proto, bytes) in pickles() {
        let case = cases.iter().find(|c| c.name == name).expect("a case");
        match (case.stream)(&bytes) {
            Ok(true) if proto >= 2 => {
                streamed += 1;
                // Hundreds of instances of a few classes, frames ending
                // inside them: what the shortcuts for known classes and
                // field names (`de/stream/known.rs`) are for.
                if name == "bulk_orders" && bytes.len() > 64 * 1024 {
                    big_streamed += 1;
                }
            }
            Ok(_) => {}
            Err(e) => disagreements.push(format!("{name} at protocol {proto}: {e}")),
        }
        match value_check(&bytes, proto) {
            Ok(true) if proto >= 2 => values += 1,
            Ok(_) => {}
            Err(e) => disagreements.push(format!("{name} as a Value at protocol {proto}: {e}")),
        }
        if proto >= 2 {
            modern += 1;
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
    assert_eq!(
        big_streamed, 4,
        "`bulk_orders` at protocols 2 to 5 (over 64 KiB) must stream"
    );
    assert!(
        streamed * 10 >= modern * 9,
        "only {streamed} of {modern} pickles of protocol 2+ were read by the streaming reader"
    );
    assert!(
        values * 10 >= modern * 9,
        "only {values} of {modern} pickles of protocol 2+ were read as a Value in one pass"
    );
}

/// The one-pass `Value` reader reads what CPython writes for plain data,
/// shared strings and tuples, globals and instances at protocols 2 to 5,
/// and leaves a list or instance referenced twice, and a cycle, to the
/// general reader (see `tests/python/value_fast_path.py`).
#[test]
fn reads_values_in_one_pass_where_it_can() {
    let records = common::read_records(&common::python("value_fast_path.py", &[], b""));
    let mut failures = Vec::new();
    for r in records.chunks(4) {
        let name = String::from_utf8_lossy(&r[0]);
        let proto: u8 = String::from_utf8_lossy(&r[1]).parse().expect("a number");
        let expect = String::from_utf8_lossy(&r[2]);
        let bytes = &r[3];
        if let Err(e) = decode_general::<Value>(bytes) {
            failures.push(format!(
                "{name} at protocol {proto}: general reader failed: {e}"
            ));
            continue;
        }
        match (value_check(bytes, proto), expect.as_ref()) {
            (Err(e), _) => failures.push(format!("{name} at protocol {proto}: {e}")),
            (Ok(false), "fast") => {
                failures.push(format!("{name} at protocol {proto}: not read in one pass"))
            }
            (Ok(true), "bail") => failures.push(format!(
                "{name} at protocol {proto}: read in one pass, but must be left to the general reader"
            )),
            _ => {}
        }
    }
    assert!(records.len() >= 4 * 40, "only {} records", records.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn never_returns_a_value_the_general_reader_would_not() {
    let cases = cases();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut disagreements = Vec::new();
    let mut tried = 0;
    for (name, proto, bytes) in pickles() {
        let case = cases.iter().find(|c| c.name == name).expect("a case");
        // A large pickle takes many times as long to read as the rest, and
        // its mutations meet the same opcodes: fewer of them.
        let rounds = if bytes.len() > 1 << 16 { 10 } else { 100 };
        for _ in 0..rounds {
            let mut mutated = bytes.clone();
            match rng.next() % 4 {
                0 => mutated.truncate((rng.next() as usize) % bytes.len()),
                1 => {
                    let i = (rng.next() as usize) % bytes.len();
                    mutated.remove(i);
                }
                2 => {
                    let i = (rng.next() as usize) % bytes.len();
                    mutated.insert(i, rng.next() as u8);
                }
                _ => {
                    let i = (rng.next() as usize) % bytes.len();
                    mutated[i] = rng.next() as u8;
                }
            }
            tried += 1;
            if let Err(e) = (case.stream)(&mutated) {
                disagreements.push(format!(
                    "{name} at protocol {proto}, mutated {mutated:?}: {e}"
                ));
            }
            if let Err(e) = value_check(&mutated, proto) {
                disagreements.push(format!(
                    "{name} as a Value at protocol {proto}, mutated {mutated:?}: {e}"
                ));
            }
        }
    }
    assert!(tried > 10_000, "only {tried} mutations");
    assert!(
        disagreements.is_empty(),
        "{}",
        disagreements[..disagreements.len().min(5)].join("\n")
    );
}

/// The streaming reader reads each value before it knows what the pickle
/// does with it. Where a later opcode discards the item it failed on (a
/// `POP` after it), or makes another object the one `STOP` returns, the read
/// gives what the general reader gives and CPython loads, not that error.
#[test]
fn errors_about_values_the_pickle_discards_are_not_the_result() {
    // ['x', 1, 'y'] with 1 popped as soon as it is pushed.
    let popped = b"\x80\x02]q\x00(X\x01\x00\x00\x00xK\x010X\x01\x00\x00\x00ye.";
    // An `Order` made without state, then a str pushed on top of it.
    let covered = b"\x80\x02cshop.models\nOrder\nq\x00)\x81X\x01\x00\x00\x00a.";
    let loaded = common::python_text(
        "loads_repr.py",
        &[],
        &common::write_records([&popped[..], &covered[..]]),
    );
    assert_eq!(loaded.lines().collect::<Vec<_>>(), ["['x', 'y']", "'a'"]);

    assert_eq!(
        pickle_core::from_slice::<Vec<String>>(popped).unwrap(),
        ["x", "y"]
    );
    let err = pickle_core::from_slice::<shop::Order>(covered).unwrap_err();
    let general = pickle_core::from_reader::<shop::Order, _>(&covered[..]).unwrap_err();
    assert_eq!(err.to_string(), general.to_string());
    assert_eq!(err.kind(), pickle_core::ErrorKind::Type, "{err}");
    assert_eq!(pickle_core::from_slice::<String>(covered).unwrap(), "a");
}

/// Near and at every limit (depth, memo entries, open marks, allocation),
/// the one-pass `Value` reader returns what the general reader returns with
/// the same limits, or gives up: it never returns a value where the general
/// reader fails.
#[test]
fn one_pass_values_agree_at_the_limits() {
    let mut pickles: Vec<Vec<u8>> = Vec::new();
    for n in 1..12usize {
        // n nested lists, built top-down: EMPTY_LIST * n, APPEND * (n - 1).
        let mut p = b"\x80\x05".to_vec();
        p.extend(std::iter::repeat(b']').take(n));
        p.extend(std::iter::repeat(b'a').take(n - 1));
        p.push(b'.');
        pickles.push(p);
        // n nested tuples, built bottom-up: EMPTY_TUPLE, TUPLE1 * (n - 1).
        let mut p = b"\x80\x05)".to_vec();
        p.extend(std::iter::repeat(0x85).take(n - 1));
        p.push(b'.');
        pickles.push(p);
        // n nested lists, each filled under its own mark, the innermost
        // holding a memoized string twice: EMPTY_LIST MARK * n, the string,
        // MEMOIZE, BINGET 0, APPENDS * n.
        let mut p = b"\x80\x05".to_vec();
        for _ in 0..n {
            p.extend(b"](");
        }
        p.extend(b"\x8c\x01a\x94h\x00");
        p.extend(std::iter::repeat(b'e').take(n));
        p.push(b'.');
        pickles.push(p);
    }
    let records = common::read_records(&common::python("value_fast_path.py", &[], b""));
    pickles.extend(records.chunks(4).map(|r| r[3].clone()));
    let mut failures = Vec::new();
    let mut agreed = 0;
    for limit in [
        0usize, 1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 64, 256, 1024, 4096, 65536,
    ] {
        let all = [
            Limits::new().max_depth(limit),
            Limits::new().max_memo(limit),
            Limits::new().max_marks(limit),
            Limits::new().max_alloc(limit),
        ];
        for limits in all {
            let opts = Options::new().limits(limits);
            for p in &pickles {
                let Some(fast) = decode_streaming_with::<Value>(p, &opts) else {
                    continue;
                };
                match decode_general_with::<Value>(p, &opts) {
                    Ok(general) if general == fast => agreed += 1,
                    Ok(general) => failures.push(format!(
                        "{limits:?} {p:?}: one-pass read {fast:?}, general read {general:?}"
                    )),
                    Err(e) => failures.push(format!(
                        "{limits:?} {p:?}: one-pass read {fast:?}, general failed: {e}"
                    )),
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{}",
        failures[..failures.len().min(5)].join("\n")
    );
    assert!(agreed > 100, "only {agreed} pickles read in one pass");
}

/// Opcodes (with arguments) that CPython writes, for [`snippet_mutations_agree`].
const SNIPPETS: &[&[u8]] = &[
    b"\x94",
    b"h\x00",
    b"h\x01",
    b"h\x02",
    b"h\x03",
    b"N",
    b"K\x05",
    b"]",
    b"}",
    b"(",
    b"e",
    b"s",
    b"u",
    b"a",
    b"t",
    b"\x85",
    b"\x86",
    b"\x87",
    b"0",
    b"2",
    b"1",
    b"b",
    b"R",
    b"\x81",
    b")",
    b"\x8c\x01x",
    b"\x8f",
    b"\x90",
    b"\x91",
    b"l",
    b"d",
    b"\x93",
    b"\x88",
    b"\x89",
    b"C\x01z",
    b"c__builtin__\nset\n",
    b"cbuiltins\nlen\n",
    b"\x8a\x09\x01\x00\x00\x00\x00\x00\x00\x00\x80",
];

/// value_fast_path.py's pickles with one opcode inserted (a GET, MEMOIZE,
/// POP, DUP, container, mark, call...) make many pickles that are still
/// valid but share, discard or change things in ways CPython never writes:
/// where the one-pass reader reads one, it must agree with the general
/// reader.
#[test]
fn snippet_mutations_agree() {
    let records = common::read_records(&common::python("value_fast_path.py", &[], b""));
    let mut rng = Rng(0x9E37_79B9_1234_0001);
    let (mut read, mut failures) = (0, Vec::new());
    for _ in 0..400 {
        for r in records.chunks(4) {
            let proto: u8 = String::from_utf8_lossy(&r[1]).parse().expect("a number");
            let mut mutated = r[3].clone();
            let snippet = SNIPPETS[(rng.next() as usize) % SNIPPETS.len()];
            let at = (rng.next() as usize) % mutated.len();
            mutated.splice(at..at, snippet.iter().copied());
            match value_check(&mutated, proto) {
                Ok(true) => read += 1,
                Ok(false) => {}
                Err(e) => failures.push(format!("{mutated:?}: {e}")),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{}",
        failures[..failures.len().min(5)].join("\n")
    );
    assert!(read > 500, "only {read} mutated pickles read in one pass");
}

/// Many lists memoized and read back while all are on the stack, read back
/// either before or after they leave it: read in one pass, in agreement,
/// and (since each pending entry is handled once) in linear time.
#[test]
fn many_pending_entries_agree() {
    let n = 5000u32;
    let gets: Vec<u8> = (0..n)
        .flat_map(|i| std::iter::once(b'j').chain(i.to_le_bytes()))
        .collect();
    let lists: Vec<u8> = (0..n).flat_map(|_| *b"]\x94").collect();
    // (lists..., gets...) LIST: every list read while on the stack.
    let mut before = b"\x80\x05(".to_vec();
    before.extend(&lists);
    before.extend(&gets);
    before.extend(b"l.");
    // ((lists...) LIST, gets...) TUPLE: every list read after it left.
    let mut after = b"\x80\x05((".to_vec();
    after.extend(&lists);
    after.push(b'l');
    after.extend(&gets);
    after.extend(b"t.");
    for p in [before, after] {
        assert_eq!(value_check(&p, 5), Ok(true));
    }
}
