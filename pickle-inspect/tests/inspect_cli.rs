//! The `pickle-inspect` binary: its commands, `-` for standard input, and
//! the exit status a CI gate reads.

#[path = "../../tests/common/mod.rs"]
mod common;

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// Runs `pickle-inspect args...` with `stdin`.
fn inspect(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pickle-inspect"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    {
        let mut input = child.stdin.take().expect("stdin is piped");
        let _ = input.write_all(stdin);
    }
    child.wait_with_output().expect("the binary exits")
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("exits with a status")
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("UTF-8 output")
}

const SYSTEM: &[u8] = b"cos\nsystem\n(S'true'\ntR.";
// pickle.dumps(collections.OrderedDict(a=1), protocol=2) in CPython 3.11
const ORDERED_DICT: &[u8] =
    b"\x80\x02ccollections\nOrderedDict\nq\x00)Rq\x01X\x01\x00\x00\x00aq\x02K\x01s.";

#[test]
fn help_and_usage_errors() {
    let help = inspect(&["--help"], b"");
    assert_eq!(code(&help), 0);
    let text = stdout(&help);
    for needle in [
        "scan [OPTIONS] PATH...",
        "dis FILE",
        "json FILE",
        "--allow MODULE.NAME",
        "--profile NAME",
        "exit status",
        "3  something dangerous",
        "4  something not on the allowlist",
    ] {
        assert!(text.contains(needle), "{needle} in:\n{text}");
    }
    assert_eq!(code(&inspect(&[], b"")), 2);
    assert_eq!(code(&inspect(&["scan"], b"")), 2);
    assert_eq!(code(&inspect(&["frobnicate", "-"], b"N.")), 2);
    assert_eq!(code(&inspect(&["scan", "--format", "xml", "-"], b"N.")), 2);
    assert_eq!(
        code(&inspect(&["scan", "--profile", "tensorflow", "-"], b"N.")),
        2
    );
    assert_eq!(code(&inspect(&["scan", "--allow"], b"N.")), 2);
    let missing = inspect(&["scan", "/nonexistent/file.pkl"], b"");
    assert_eq!(code(&missing), 1);
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot read"));
}

#[test]
fn scan_exit_status_gates_uploads() {
    let dir = common::scratch_dir("inspect_cli_scan");
    let path = dir.join("evil.pkl");
    std::fs::write(&path, SYSTEM).unwrap();
    let evil = inspect(&["scan", path.to_str().unwrap()], b"");
    assert_eq!(code(&evil), 3);
    let text = stdout(&evil);
    assert!(
        text.contains("GLOBAL") && text.contains("os.system"),
        "{text}"
    );
    assert!(
        text.contains("verdict: dangerous (2 findings: 2 dangerous"),
        "{text}"
    );
    // Plain data and known-safe classes pass, from standard input.
    let list = inspect(&["scan", "-"], b"\x80\x02]q\x00(K\x01K\x02e.");
    assert_eq!(code(&list), 0);
    assert!(stdout(&list).contains("verdict: data (0 findings"));
    assert_eq!(code(&inspect(&["scan", "-"], ORDERED_DICT)), 0);
    // A class not on the allowlist fails the gate, unless allowed.
    let unknown = b"\x80\x02cshop\nOrder\n)\x81}b.";
    assert_eq!(code(&inspect(&["scan", "-"], unknown)), 4);
    assert_eq!(
        code(&inspect(&["scan", "--allow", "shop.Order", "-"], unknown)),
        0
    );
    assert_eq!(
        code(&inspect(&["scan", "--allow-module", "shop", "-"], unknown)),
        0
    );
    assert_eq!(
        code(&inspect(&["scan", "--allow-module", "sho", "-"], unknown)),
        4
    );
    assert_eq!(
        code(&inspect(&["scan", "--allow-unknown", "-"], unknown)),
        0
    );
    assert_eq!(code(&inspect(&["scan", "--allow-unknown", "-"], SYSTEM)), 3);
    // A profile narrows the allowlist: OrderedDict is data, numpy is not.
    let dtype = b"\x80\x02cnumpy\ndtype\nq\x00.";
    assert_eq!(code(&inspect(&["scan", "-"], dtype)), 0);
    assert_eq!(
        code(&inspect(&["scan", "--profile", "data", "-"], dtype)),
        4
    );
    assert_eq!(
        code(&inspect(&["scan", "--profile", "torch", "-"], dtype)),
        0
    );
    // Malformed: unreadable, unless something dangerous came first.
    let cut = inspect(&["scan", "-"], b"\x80\x02]q\x00(K\x01");
    assert_eq!(code(&cut), 1);
    assert!(stdout(&cut).contains("error: "), "{}", stdout(&cut));
    assert_eq!(
        code(&inspect(&["scan", "-"], &SYSTEM[..SYSTEM.len() - 1])),
        3
    );
    // A second pickle after the first is read too.
    let mut two = ORDERED_DICT.to_vec();
    two.extend_from_slice(SYSTEM);
    assert_eq!(code(&inspect(&["scan", "-"], &two)), 3);
    // Bytes after a pickle that are not one fail closed.
    let mut trailing = ORDERED_DICT.to_vec();
    trailing.extend_from_slice(b"\xff\xfe");
    assert_eq!(code(&inspect(&["scan", "-"], &trailing)), 1);
}

#[test]
fn scan_walks_directories_and_reports_json_and_sarif() {
    let dir = common::scratch_dir("inspect_cli_dir");
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(dir.join("a.pkl"), ORDERED_DICT).unwrap();
    std::fs::write(dir.join("sub").join("b.bin"), SYSTEM).unwrap();
    std::fs::write(dir.join("sub").join("c.pkl"), b"\x80\x02]q\x00(K\x01").unwrap();
    // A link is followed as a loader follows it; a loop is walked once.
    std::os::unix::fs::symlink(dir.join("sub").join("b.bin"), dir.join("link.pt")).unwrap();
    std::os::unix::fs::symlink(&dir, dir.join("sub").join("loop")).unwrap();
    let root = dir.to_str().unwrap();
    let out = inspect(&["scan", "--jobs", "2", "--format", "json", root], b"");
    assert_eq!(code(&out), 3);
    let checked = common::python_text("json_summary.py", &[], &out.stdout);
    let a = dir.join("a.pkl");
    let link = dir.join("link.pt");
    let b = dir.join("sub").join("b.bin");
    let c = dir.join("sub").join("c.pkl");
    assert_eq!(
        checked,
        format!(
            "dangerous\n{} pass\n{} dangerous\n{} dangerous\n{} unreadable\n",
            a.display(),
            link.display(),
            b.display(),
            c.display()
        )
    );
    let sarif = inspect(&["scan", "--format", "sarif", root], b"");
    assert_eq!(code(&sarif), 3);
    let text = stdout(&sarif);
    assert!(text.contains("\"version\":\"2.1.0\""), "{text}");
    assert!(text.contains("\"ruleId\":\"dangerous\""), "{text}");
    assert!(text.contains("\"ruleId\":\"unreadable\""), "{text}");
}

#[test]
fn dis_prints_what_pickletools_prints() {
    let ours = inspect(&["dis", "-"], ORDERED_DICT);
    assert_eq!(code(&ours), 0);
    let theirs = common::python_text("pickletools_dis.py", &[], ORDERED_DICT);
    assert_eq!(stdout(&ours), theirs);
    let bad = inspect(&["dis", "-"], b"(K\x01e.");
    assert_eq!(code(&bad), 1);
    assert!(
        stdout(&bad).contains("APPENDS"),
        "the text before the error"
    );
    assert!(String::from_utf8_lossy(&bad.stderr).contains("tries to pop"));
}

#[test]
fn json_shows_calls_as_data_and_sharing_as_references() {
    let out = inspect(&["json", "-"], SYSTEM);
    assert_eq!(code(&out), 0);
    assert_eq!(
        stdout(&out),
        "{\"$object\":{\"call\":{\"kind\":\"reduce\",\"callable\":{\"$global\":{\"module\":\"os\",\"name\":\"system\"}},\"args\":{\"$tuple\":[\"true\"]}},\"ops\":[]}}\n"
    );
    // l = [1]; l.append(l); pickle.dumps([l, l], protocol=2)
    let cyclic = b"\x80\x02]q\x00(]q\x01(K\x01h\x01eh\x01e.";
    let out = inspect(&["json", "-"], cyclic);
    assert_eq!(
        stdout(&out),
        "[{\"$id\":1,\"value\":[1,{\"$ref\":1}]},{\"$ref\":1}]\n"
    );
    // A DAG of 2^60 leaves prints in a few kilobytes.
    let mut dag = b"\x80\x02]q\x00".to_vec();
    for i in 0..60u8 {
        dag.extend_from_slice(&[b'(', b'h', i, b'h', i, b'l', b'q', i + 1, b'0']);
    }
    dag.extend_from_slice(&[b'h', 60, b'.']);
    let out = inspect(&["json", "-"], &dag);
    assert_eq!(code(&out), 0);
    assert!(out.stdout.len() < 4096, "{} bytes", out.stdout.len());
    assert_eq!(code(&inspect(&["json", "-"], b"\x80\x02]q\x00(")), 1);
}

#[test]
fn json_of_every_corpus_pickle_is_valid_json() {
    let records = common::read_records(&common::python("corpus.py", &[], b""));
    let docs: Vec<Vec<u8>> = records
        .chunks(3)
        .map(|r| {
            let value: pickle_core::Value = pickle_core::from_slice(&r[2])
                .unwrap_or_else(|e| panic!("{}: {e}", String::from_utf8_lossy(&r[0])));
            pickle_inspect::json::to_json(&value)
                .expect("JSON")
                .into_bytes()
        })
        .collect();
    assert!(docs.len() > 400);
    let checked = common::python_text("json_valid.py", &[], &common::write_records(&docs));
    assert_eq!(checked.trim(), docs.len().to_string());
}

#[test]
fn scan_output_escapes_control_characters_in_names() {
    // A class name holding a carriage return and a terminal escape, which
    // would otherwise overwrite the report's lines on a terminal.
    let sneaky = b"\x80\x03cmod\nA\r\x1b[2Kos.system is fine\nq\x00)\x81.";
    let out = inspect(&["scan", "-"], sneaky);
    assert_eq!(code(&out), 4);
    let text = stdout(&out);
    assert!(!text.contains('\r') && !text.contains('\x1b'), "{text:?}");
    assert!(
        text.contains("mod.A\\u{d}\\u{1b}[2Kos.system is fine"),
        "{text}"
    );
}
