//! `pickle_core::scan`: every known-malicious shape is flagged dangerous,
//! ordinary data pickles are not, and what the scan lists (names, offsets,
//! calls, extension codes, persistent ids, buffers) is exact.

mod common;

use pickle_core::opcode::Opcode;
use pickle_core::scan::{Action, Safety, Scanner};
use pickle_core::{Extensions, Global};

/// Labels and pickles of `tests/python/malicious.py`.
fn malicious() -> Vec<(String, Vec<u8>)> {
    let records = common::read_records(&common::python("malicious.py", &[], b""));
    records
        .chunks(2)
        .map(|r| (String::from_utf8_lossy(&r[0]).into_owned(), r[1].clone()))
        .collect()
}

#[test]
fn flags_every_known_malicious_shape() {
    let payloads = malicious();
    assert!(payloads.len() > 150, "{} payloads", payloads.len());
    let mut missed = Vec::new();
    for (label, data) in &payloads {
        let report = pickle_core::scan(data);
        // Dangerous by a finding, not merely because reading failed.
        if report.with_safety(Safety::Dangerous).next().is_none() {
            missed.push(format!("{label}: {:#?}", report.findings));
        }
        assert_eq!(report.verdict(), Safety::Dangerous, "{label}");
    }
    assert!(missed.is_empty(), "not flagged:\n{}", missed.join("\n"));
}

#[test]
fn passes_the_round_trip_corpus() {
    let records = common::read_records(&common::python("corpus.py", &[], b""));
    assert!(records.len() > 3 * 400);
    for r in records.chunks(3) {
        let (name, proto) = (String::from_utf8_lossy(&r[0]), r[1][0]);
        let report = pickle_core::scan(&r[2]);
        assert!(
            report.is_complete(),
            "{name} at {proto}: {:?}",
            report.error
        );
        // Below protocol 4 a nested class is `getattr(Outer, 'Inner')`.
        let nested_class = report
            .findings
            .iter()
            .any(|f| f.target.starts_with("builtins.getattr -> corpus_classes."));
        for f in &report.findings {
            // The corpus's own classes are unknown to any scanner; every
            // other name must be plain data or known-safe standard library.
            let own_class = f.global.as_ref().is_some_and(|g| {
                g.module == "corpus_classes" || (nested_class && g.is("builtins", "getattr"))
            });
            let allowed = if own_class {
                Safety::Unknown
            } else {
                Safety::Safe
            };
            assert!(f.safety <= allowed, "{name} at protocol {proto}: {f:?}");
        }
    }
}

#[test]
fn resolves_stack_global_names_from_the_memo_with_offsets() {
    // PROTO 4; 'os' MEMOIZE; 'system' MEMOIZE; POP; POP; GET 0; GET 1;
    // STACK_GLOBAL; 'true'; TUPLE1; REDUCE; STOP
    let data = b"\x80\x04\x8c\x02os\x94\x8c\x06system\x94001\x00\x00\x00\x00";
    let mut data = data[..17].to_vec();
    data.extend_from_slice(b"h\x00h\x01\x93\x8c\x04true\x85R.");
    let report = pickle_core::scan(&data);
    assert!(report.is_complete(), "{:?}", report.error);
    assert_eq!(report.protocol, 4);
    let [import, call] = &report.findings[..] else {
        panic!("{:#?}", report.findings)
    };
    assert_eq!(import.action, Action::Import);
    assert_eq!(import.opcode, Some(Opcode::StackGlobal));
    assert_eq!(import.offset, 21);
    assert_eq!(import.global.as_deref(), Some(&Global::new("os", "system")));
    assert_eq!(import.safety, Safety::Dangerous);
    assert_eq!(call.action, Action::Call);
    assert_eq!(call.opcode, Some(Opcode::Reduce));
    assert_eq!(call.offset, 29);
    assert_eq!(&*call.target, "os.system");
}

#[test]
fn reports_what_came_before_an_error() {
    let report = pickle_core::scan(b"cos\nsystem\n(S'true'\ntR\xff");
    let err = report
        .error
        .as_ref()
        .expect("the invalid opcode is reported");
    assert_eq!(err.kind(), pickle_core::ErrorKind::InvalidOpcode);
    assert_eq!(err.offset(), Some(22));
    assert!(!report.is_complete());
    let calls: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.action == Action::Call)
        .collect();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].offset, 21);
    // A harmless pickle cut short is not reported clean: the rest was unseen.
    let cut = pickle_core::scan(b"\x80\x02]q\x00(K\x01");
    let [unreadable] = &cut.findings[..] else {
        panic!("{:#?}", cut.findings)
    };
    assert_eq!(unreadable.action, Action::Unreadable);
    assert_eq!(unreadable.offset, 8);
    assert_eq!(cut.verdict(), Safety::Unknown);
}

#[test]
fn reports_persistent_ids_extension_codes_and_buffers_and_reads_on() {
    // NEXT_BUFFER; 'p' BINPERSID; EXT1 1; 'x' TUPLE1; REDUCE; TUPLE3; STOP
    let data = b"\x80\x05\x97X\x01\x00\x00\x00pQ\x82\x01X\x01\x00\x00\x00x\x85R\x87.";
    let report = pickle_core::scan(data);
    assert!(report.is_complete(), "{:?}", report.error);
    let actions: Vec<_> = report
        .findings
        .iter()
        .map(|f| (f.offset, f.action, f.safety))
        .collect();
    assert_eq!(
        actions,
        [
            (2, Action::Buffer, Safety::Data),
            (9, Action::PersistentId, Safety::Unknown),
            (10, Action::Extension(1), Safety::Dangerous),
            (19, Action::Call, Safety::Dangerous),
        ]
    );
    assert_eq!(&*report.findings[1].target, "persistent id \"p\"");
    // With the registry the loader would use, the code is a name.
    let mut ext = Extensions::new();
    ext.add("collections", "OrderedDict", 1).unwrap();
    let report = Scanner::new().extensions(&ext).scan(data);
    assert_eq!(report.findings[2].action, Action::Import);
    assert_eq!(report.findings[2].opcode, Some(Opcode::Ext1));
    assert_eq!(report.findings[2].safety, Safety::Safe);
    assert_eq!(report.findings[3].safety, Safety::Safe);
}

#[test]
fn nested_classes_through_getattr_are_named_not_flagged() {
    // What CPython writes for `datetime.datetime.now` at protocol 2: getattr
    // of a known-safe class, a name the scan resolves.
    let data = b"\x80\x02cbuiltins\ngetattr\ncdatetime\ndatetime\nX\x03\x00\x00\x00now\x86R.";
    let report = pickle_core::scan(data);
    assert_eq!(report.verdict(), Safety::Unknown, "{:#?}", report.findings);
    let call = report.findings.last().unwrap();
    assert_eq!(
        call.global.as_deref(),
        Some(&Global::new("datetime", "datetime.now"))
    );
    // The same getattr also held in a list: it could be called anywhere.
    let data = b"\x80\x02cbuiltins\ngetattr\nq\x00cdatetime\ndatetime\nX\x03\x00\x00\x00now\x86Rh\x00\x86.";
    assert_eq!(pickle_core::scan(data).verdict(), Safety::Dangerous);
}

#[test]
fn folded_constructor_calls_are_listed_as_data() {
    // pickle.dumps({1}, protocol=2): builtins.set([1]) folds into a set.
    let report = pickle_core::scan(b"\x80\x02cbuiltins\nset\nq\x00]q\x01K\x01a\x85q\x02Rq\x03.");
    assert_eq!(report.verdict(), Safety::Data);
    let actions: Vec<_> = report.findings.iter().map(|f| f.action).collect();
    assert_eq!(actions, [Action::Import, Action::Call]);
    assert_eq!(&*report.findings[1].target, "builtins.set");
}

/// `pickle.dumps(x, 2)` of a few values, to build streams from.
const DICT_P2: &[u8] = b"\x80\x02}q\x00X\x01\x00\x00\x00aq\x01K\x01s.";
const SYSTEM_P0: &[u8] = b"cos\nsystem\n(S'id'\ntR.";

fn dangerous(report: &pickle_core::scan::Report) -> Vec<String> {
    report
        .with_safety(Safety::Dangerous)
        .map(|f| format!("{} {} {}", f.offset, f.action.label(), f.target))
        .collect()
}

#[test]
fn reads_every_pickle_of_a_stream() {
    let mut stream = DICT_P2.to_vec();
    stream.extend_from_slice(DICT_P2);
    stream.extend_from_slice(SYSTEM_P0);
    let report = pickle_core::scan(&stream);
    assert!(report.is_complete(), "{:?}", report.error);
    let starts: Vec<u64> = report.pickles.iter().map(|p| p.start).collect();
    assert_eq!(starts, [0, 17, 34]);
    assert_eq!(report.pickles[2].end, stream.len() as u64);
    let found = dangerous(&report);
    assert_eq!(found, ["34 import os.system", "53 call os.system"]);
    assert!(report.findings.iter().all(|f| f.pickle == 34));
    // What follows the last pickle must be one.
    stream.extend_from_slice(b"\x00garbage");
    let report = pickle_core::scan(&stream);
    let err = report
        .error
        .as_ref()
        .expect("trailing bytes are unreadable");
    assert_eq!(err.offset(), Some(55));
    assert_eq!(report.findings.last().unwrap().action, Action::Unreadable);
    assert!(!report.passes());
}

#[test]
fn structural_tricks_are_dangerous() {
    // BUILD on a module: torch._utils gets a new _rebuild_tensor_v2.
    let build =
        b"\x80\x02ctorch\n_utils\nN}X\x12\x00\x00\x00_rebuild_tensor_v2cnumpy\nfrombuffer\ns\x86b.";
    let report = pickle_core::scan(build);
    let f = report
        .findings
        .iter()
        .find(|f| f.action == Action::Build)
        .unwrap();
    assert_eq!(
        (f.safety, f.offset, &*f.target),
        (Safety::Dangerous, 61, "state of torch._utils")
    );
    // STACK_GLOBAL of names that `_codecs.encode(..., 'rot13')` returns.
    let short = |t: &str| [&[0x8c, t.len() as u8], t.as_bytes()].concat();
    let mut rot13 = b"\x80\x04".to_vec();
    for (text, key) in [("bf", "rot13"), ("flfgrz", "rot13")] {
        rot13.extend(short("_codecs"));
        rot13.extend(short("encode"));
        rot13.push(0x93);
        rot13.extend(short(text));
        rot13.extend(short(key));
        rot13.extend(b"\x86R");
    }
    rot13.extend(b"\x93");
    rot13.extend(short("id"));
    rot13.extend(b"\x85R.");
    let report = pickle_core::scan(&rot13);
    assert!(report.is_complete(), "{:?}", report.error);
    let found = dangerous(&report);
    assert_eq!(
        found,
        [
            "68 import a name computed at load time",
            "74 call the result of an earlier call"
        ]
    );
    // getattr handed out (here: as the result) can reach anything.
    let report = pickle_core::scan(b"\x80\x02cbuiltins\ngetattr\n.");
    assert_eq!(dangerous(&report), ["2 import builtins.getattr"]);
    // A call of what a call returned.
    let report = pickle_core::scan(b"\x80\x02cbuiltins\nsorted\n]\x85R)R.");
    assert_eq!(
        dangerous(&report),
        ["23 call the result of an earlier call"]
    );
}

#[test]
fn an_opcode_across_a_frame_is_read_both_ways() {
    // After the frame of two bytes, BINBYTES's length: `pickle.loads` reads
    // 0x107 bytes (the call inside is data), `pickle.load` of an unbuffered
    // file reads a length of 1 from after the frame, then runs the call.
    let mut data =
        b"\x80\x05N(\x95\x02\x00\x00\x00\x00\x00\x00\x00B\x07\x01\x00\x00\x00\x00".to_vec();
    let mut hidden = b"cos\nsystem\nVid\n\x85R(".to_vec();
    hidden.resize(261, b'N');
    data.extend(hidden);
    data.extend(b"1.");
    let report = pickle_core::scan(&data);
    assert!(report.is_complete(), "{:?}", report.error);
    let found = dangerous(&report);
    assert_eq!(
        found,
        [
            "14 ambiguous an opcode across the end of a FRAME",
            "20 import os.system",
            "36 call os.system"
        ]
    );
    let call = report.findings.iter().find(|f| f.offset == 36).unwrap();
    assert!(call.reason.contains("unbuffered file"), "{}", call.reason);
    // CPython's own framing is read one way only: pickle.dumps([1, 2], 4).
    let framed = b"\x80\x04\x95\x09\x00\x00\x00\x00\x00\x00\x00]\x94(K\x01K\x02e.";
    let report = pickle_core::scan(framed);
    assert!(
        report.passes() && report.findings.is_empty(),
        "{:#?}",
        report.findings
    );
}

#[test]
fn scan_memory_stays_below_the_input_size() {
    let data = common::python("dict_records.py", &["200000"], b"");
    assert!(data.len() > 10 << 20, "{} bytes", data.len());
    let _guard = common::memory::exclusive();
    let (report, peak) = common::memory::peak_during(|| pickle_core::scan(&data));
    assert!(report.passes(), "{:?}", report.error);
    // The scan keeps eight bytes per memo entry, not the values: with the
    // input, a peak under twice the input's size.
    assert!(peak < data.len(), "peak {peak} for {} bytes", data.len());
}
