//! Helpers shared by the integration tests: running CPython, scratch space.
//!
//! The Python side of every test lives in `tests/python/`; this module runs
//! those scripts with `python3` and hands data back and forth through files
//! and standard streams.
#![allow(dead_code)]

pub mod case;
pub mod memory;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The directory of the Python test scripts.
pub fn python_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("python")
}

/// Runs `python3 tests/python/<script> <args...>` with `stdin` as input and
/// returns its standard output. Panics with the script's standard error if
/// it fails, so the failing check shows in the test output.
pub fn python(script: &str, args: &[&str], stdin: &[u8]) -> Vec<u8> {
    let mut child = Command::new("python3")
        .arg(python_dir().join(script))
        .args(args)
        .env("PYTHONPATH", python_dir())
        .env("PYTHONHASHSEED", "0")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 must be installed to run these tests");
    {
        let mut input = child.stdin.take().expect("stdin is piped");
        // A script may exit before reading everything; its exit status tells.
        let _ = input.write_all(stdin);
    }
    let out = child.wait_with_output().expect("python3 runs");
    assert!(
        out.status.success(),
        "python3 {script} {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Like [`python`], returning standard output as text.
pub fn python_text(script: &str, args: &[&str], stdin: &[u8]) -> String {
    String::from_utf8(python(script, args, stdin)).expect("python3 prints UTF-8")
}

/// Runs a checking script on `records` (which it reads as `count` pickles
/// with their labels) and asserts that it printed `ok` for every one.
pub fn assert_python_ok_for_each(script: &str, records: &[Vec<u8>], count: usize) {
    let report = python_text(script, &[], &write_records(records));
    let failures: Vec<&str> = report.lines().filter(|l| *l != "ok").collect();
    assert!(failures.is_empty(), "mismatches:\n{}", failures.join("\n"));
    assert_eq!(report.lines().count(), count);
}

/// An interpreter of Python `version` (such as `"3.8"`): `python3.8` on the
/// path, or pyenv's; `None` if the machine has neither.
pub fn python_of_version(version: &str) -> Option<PathBuf> {
    let (major, minor) = version.split_once('.')?;
    let check = format!("import sys; assert sys.version_info[:2] == ({major}, {minor})");
    let works = |p: &Path| {
        Command::new(p)
            .args(["-c", &check])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let named = PathBuf::from(format!("python{version}"));
    if works(&named) {
        return Some(named);
    }
    let pyenv = Path::new(&std::env::var_os("HOME")?).join(".pyenv/versions");
    std::fs::read_dir(pyenv)
        .ok()?
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(version))
        .map(|e| e.path().join(format!("bin/python{version}")))
        .find(|p| works(p))
}

/// A fresh, empty scratch directory for one test, under `target/`.
pub fn scratch_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch directory can be created");
    dir
}

/// Reads a stream of records, each a little-endian u32 length then that many bytes.
pub fn read_records(mut data: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    while data.len() >= 4 {
        let len = u32::from_le_bytes([data[0], data[1], data[2], data[3]]) as usize;
        out.push(data[4..4 + len].to_vec());
        data = &data[4 + len..];
    }
    out
}

/// Writes records in the format [`read_records`] reads.
pub fn write_records<I, B>(records: I) -> Vec<u8>
where
    I: IntoIterator<Item = B>,
    B: AsRef<[u8]>,
{
    let mut out = Vec::new();
    for r in records {
        let r = r.as_ref();
        out.extend_from_slice(&(r.len() as u32).to_le_bytes());
        out.extend_from_slice(r);
    }
    out
}
