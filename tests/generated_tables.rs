//! The opcode table and the Python 2 name mappings are generated from the
//! installed CPython (`pickletools.opcodes`, `_compat_pickle`); they must
//! match what `tools/gen_tables.py` produces from this interpreter.

use std::process::Command;

#[test]
fn opcode_and_compat_tables_match_this_cpython() {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tools/gen_tables.py");
    let out = Command::new("python3")
        .args([script, "--check"])
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
