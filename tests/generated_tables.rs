//! The opcode table, the Python 2 name mappings and the printable code
//! points are generated from a CPython (`pickletools.opcodes`,
//! `_compat_pickle`, `str.isprintable`); they must match what
//! `tools/gen_tables.py` produces from a CPython of the same minor version.

mod common;

use std::process::Command;

#[test]
fn opcode_and_compat_tables_match_this_cpython() {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tools/gen_tables.py");
    let out = Command::new(common::python3())
        .args([script, "--check"])
        .output()
        .expect("the CPython under test runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // On a CPython of another minor version, the script says it compared nothing.
    eprint!("{}", String::from_utf8_lossy(&out.stdout));
}
