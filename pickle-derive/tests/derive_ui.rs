//! Compile errors of `#[derive(ToPickle, FromPickle)]`: one small program
//! per error under `tests/ui/`, with the expected message and span in its
//! `.stderr` (regenerate with
//! `TRYBUILD=overwrite cargo test -p pickle-derive --test derive_ui` and
//! review the diff).

#[test]
fn derive_errors() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
