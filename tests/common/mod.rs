//! Helpers shared by the integration tests: running CPython, scratch space.
//!
//! The Python side of every test lives in `tests/python/`; this module runs
//! those scripts with the CPython under test and hands data back and forth
//! through files and standard streams. That CPython is `python3` on the
//! path, or the interpreter `PICKLE_TEST_PYTHON` names; tests that compare
//! bytes with its `pickle.dumps` write for its version ([`python_version`],
//! [`to_vec`]).
#![allow(dead_code)]

pub mod case;
pub mod cpu;
pub mod memory;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use pickle_core::ser::PythonVersion;
use pickle_core::{Protocol, ToPickle};

/// The directory of the Python test scripts: the workspace's top-level
/// `tests/python`, which the crates below the root share.
pub fn python_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|dir| dir.join("tests").join("python"))
        .find(|dir| dir.is_dir())
        .expect("tests/python in the workspace")
}

/// Runs `python3 tests/python/<script> <args...>` with `stdin` as input and
/// returns its standard output. Panics with the script's standard error if
/// it fails, so the failing check shows in the test output.
pub fn python(script: &str, args: &[&str], stdin: &[u8]) -> Vec<u8> {
    run_python(&python3(), script, args, stdin)
}

/// The CPython under test: `PICKLE_TEST_PYTHON` if set, else `python3`.
pub fn python3() -> PathBuf {
    std::env::var_os("PICKLE_TEST_PYTHON").map_or_else(|| PathBuf::from("python3"), PathBuf::from)
}

/// `<python> -m mypy --strict` with the CPython under test, for the tests
/// that type-check generated code. mypy checks for the Python version it
/// is given (`--python-version`), whichever interpreter runs it, so when an
/// interpreter other than the default `python3` lacks it, the check is left
/// to the default one: `None`, with a notice. The default one must have it.
pub fn mypy() -> Option<Command> {
    let python = python3();
    let installed = Command::new(&python)
        .args(["-m", "mypy", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !installed {
        assert!(
            std::env::var_os("PICKLE_TEST_PYTHON").is_some(),
            "mypy is not installed: run `python3 -m pip install mypy` (the stubs tests type-check the generated package)"
        );
        eprintln!(
            "notice: {} has no mypy: the type checks run with the default python3",
            python.display()
        );
        return None;
    }
    let mut cmd = Command::new(python);
    cmd.args(["-m", "mypy", "--strict", "--no-error-summary"])
        .arg("--cache-dir")
        .arg(Path::new(env!("CARGO_TARGET_TMPDIR")).join("mypy-cache"));
    Some(cmd)
}

/// The version of the CPython under test, asked once.
pub fn python_version() -> PythonVersion {
    static VERSION: OnceLock<PythonVersion> = OnceLock::new();
    *VERSION.get_or_init(|| {
        let out = Command::new(python3())
            .args(["-c", "import sys; print(*sys.version_info[:3])"])
            .output()
            .expect("the CPython under test runs");
        let text = String::from_utf8_lossy(&out.stdout);
        let parts: Vec<u8> = text
            .split_whitespace()
            .map(|p| p.parse().expect("a version number"))
            .collect();
        assert_eq!(parts.len(), 3, "a version of three numbers: {text}");
        PythonVersion::new(parts[0], parts[1], parts[2])
    })
}

/// Pickles `value` at `protocol` as `pickle.dumps` of the CPython under
/// test writes the equivalent object.
pub fn to_vec<T: ToPickle + ?Sized>(value: &T, protocol: Protocol) -> pickle_core::Result<Vec<u8>> {
    pickle_core::ser::Options::new()
        .protocol(protocol)
        .python(python_version())
        .to_vec(value)
}

/// The Python 2.7 interpreter, for the tests of protocols 0 to 2 with
/// Python 2: `PICKLE_TEST_PYTHON2` if set, else `python2.7` on the path,
/// else a pyenv install (`~/.pyenv/versions/2.7.*`). `None`, with a notice
/// on standard error, where there is none, unless `PICKLE_TEST_REQUIRE_PYTHON2`
/// is set (`.ci/run` sets it where 2.7 is installed), which makes that a failure.
pub fn python2() -> Option<PathBuf> {
    let runs = |p: &Path| {
        Command::new(p)
            .args(["-c", "import sys; assert sys.version_info[:2] == (2, 7)"])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    let pyenv = std::env::var_os("HOME").and_then(|home| {
        let versions = Path::new(&home).join(".pyenv").join("versions");
        let mut found: Vec<PathBuf> = std::fs::read_dir(versions)
            .ok()?
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().starts_with("2.7"))
            .map(|e| e.path().join("bin").join("python"))
            .collect();
        found.sort();
        found.pop()
    });
    let found = match std::env::var_os("PICKLE_TEST_PYTHON2") {
        Some(p) => Some(PathBuf::from(p)),
        None => [PathBuf::from("python2.7")]
            .into_iter()
            .chain(pyenv)
            .find(|p| runs(p)),
    };
    if found.is_none() {
        assert!(
            std::env::var_os("PICKLE_TEST_REQUIRE_PYTHON2").is_none(),
            "PICKLE_TEST_REQUIRE_PYTHON2 is set but no Python 2.7 was found"
        );
        eprintln!("notice: no Python 2.7 found (set PICKLE_TEST_PYTHON2): its checks are skipped");
    }
    found
}

/// Checks that Python 2.7 loads `records` (name, protocol, pickle, for
/// protocols 0 to 2) as the CPython under test does: the same objects, as
/// `py2_check.py` compares them, leaving out objects of types Python 2 does
/// not have. Returns how many pickles were compared; 0, with a notice,
/// without Python 2.7 (see [`python2`]).
pub fn assert_python27_loads_as_python3_does(records: &[Vec<u8>]) -> usize {
    let Some(py2) = python2() else {
        return 0;
    };
    let input = write_records(records);
    let theirs = String::from_utf8(run_python(&py2, "py2_check.py", &[], &input))
        .expect("py2_check.py prints UTF-8");
    let ours = python_text("py2_check.py", &[], &input);
    assert_eq!(theirs.lines().count(), records.len() / 3);
    let mut compared = 0;
    let mut failures = Vec::new();
    for (py2_line, py3_line) in theirs.lines().zip(ours.lines()) {
        if py3_line
            .split('\t')
            .nth(2)
            .is_some_and(|o| o.starts_with("lacks: "))
        {
            continue;
        }
        compared += 1;
        if py2_line != py3_line {
            // Around the first difference: the lines can be long.
            let at = py2_line
                .bytes()
                .zip(py3_line.bytes())
                .position(|(a, b)| a != b)
                .unwrap_or(0);
            let name = py3_line
                .split('\t')
                .take(2)
                .collect::<Vec<_>>()
                .join(" at protocol ");
            let near = |l: &str| {
                l.get(at.saturating_sub(40)..)
                    .unwrap_or(l)
                    .chars()
                    .take(120)
                    .collect::<String>()
            };
            failures.push(format!(
                "{name}:\n  Python 2.7: ...{}\n  Python 3:   ...{}",
                near(py2_line),
                near(py3_line)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "Python 2.7 loads differently:\n{}",
        failures.join("\n")
    );
    compared
}

/// Like [`python`], with the interpreter `python` (such as [`python2`]'s).
pub fn run_python(python: &Path, script: &str, args: &[&str], stdin: &[u8]) -> Vec<u8> {
    let mut command = Command::new(python);
    command
        .arg(python_dir().join(script))
        .args(args)
        .env("PYTHONPATH", python_dir())
        .env("PYTHONHASHSEED", "0");
    output_of(&mut command, stdin)
}

/// Runs `command` with `stdin` as input and returns its standard output.
/// Panics with its standard error if it fails.
pub fn output_of(command: &mut Command, stdin: &[u8]) -> Vec<u8> {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{command:?} cannot start (is it installed?): {e}"));
    {
        let mut input = child.stdin.take().expect("stdin is piped");
        // A script may exit before reading everything; its exit status tells.
        let _ = input.write_all(stdin);
    }
    let out = child.wait_with_output().expect("the command runs");
    assert!(
        out.status.success(),
        "{command:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// The interpreter with numpy 1.x that the numpy tests compare with, beside
/// `python3` with numpy 2.x: `$PICKLE_NUMPY1_PYTHON`, or the virtual
/// environment `.ci/run` makes in `target/numpy1`.
pub fn numpy1_python() -> PathBuf {
    let path = std::env::var_os("PICKLE_NUMPY1_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/numpy1/bin/python"));
    assert!(
        path.exists(),
        "{} is missing: the numpy tests compare with numpy 1.x there; make it with \
         `python3 -m venv target/numpy1 && target/numpy1/bin/pip install 'numpy<2'` \
         (as .ci/run does), or set PICKLE_NUMPY1_PYTHON",
        path.display()
    );
    path
}

/// Like [`python`], returning standard output as text.
pub fn python_text(script: &str, args: &[&str], stdin: &[u8]) -> String {
    String::from_utf8(python(script, args, stdin)).expect("python3 prints UTF-8")
}

/// Like [`run_python`], returning standard output as text.
pub fn python_text_with(interpreter: &Path, script: &str, args: &[&str], stdin: &[u8]) -> String {
    String::from_utf8(run_python(interpreter, script, args, stdin)).expect("python prints UTF-8")
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
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(&format!("{version}."))
        })
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
