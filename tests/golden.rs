//! The golden fixtures of `pickle-core/tests/fixtures/golden/`, which
//! pickle-core's own tests read without Python, are what
//! `tests/python/make_golden.py` writes: this reruns it (when the installed
//! CPython is the recorded one) and compares.

mod common;

use std::path::{Path, PathBuf};

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("pickle-core/tests/fixtures/golden")
}

#[test]
fn golden_fixtures_are_what_make_golden_writes() {
    let recorded = std::fs::read_to_string(golden_dir().join("VERSION")).unwrap();
    let installed = common::python_text("make_golden.py", &["--version-only"], b"");
    if recorded != installed {
        eprintln!(
            "skipping: fixtures were made by {}, python3 is {}",
            recorded.trim(),
            installed.trim()
        );
        return;
    }
    let scratch = common::scratch_dir("golden");
    let out = scratch.to_str().unwrap();
    common::python("make_golden.py", &["--out", out], b"");
    let mut names: Vec<_> = std::fs::read_dir(golden_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    let mut regenerated: Vec<_> = std::fs::read_dir(&scratch)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    regenerated.sort();
    assert_eq!(names, regenerated, "make_golden.py writes other files");
    for name in names {
        let committed = std::fs::read(golden_dir().join(&name)).unwrap();
        let fresh = std::fs::read(scratch.join(&name)).unwrap();
        assert!(
            committed == fresh,
            "{name:?} differs from what make_golden.py writes now"
        );
    }
}
