//! Reading the golden fixtures (`tests/fixtures/golden/`), for the tests
//! that include this module.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

pub fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/golden")
}

/// One line of `MANIFEST`: name, protocol, expected description.
pub fn manifest() -> Vec<(String, String, String)> {
    let text = std::fs::read_to_string(golden_dir().join("MANIFEST")).expect("MANIFEST exists");
    text.lines()
        .map(|line| {
            let mut fields = line.splitn(3, '\t');
            let mut next = || {
                fields
                    .next()
                    .expect("three tab-separated fields")
                    .to_owned()
            };
            (next(), next(), next())
        })
        .collect()
}

/// The bytes of the fixture file `name`.
pub fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(golden_dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}
