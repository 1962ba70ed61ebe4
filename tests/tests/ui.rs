//! Compile-fail tests: every mistake `#[covet::model]`, `#[derive(DbEnum)]` and the typed query
//! API must refuse, with the error text each produces (`tests/ui/*.stderr`).
//!
//! Regenerate the expected output after changing a message with
//! `TRYBUILD=overwrite cargo test -p covet-tests --test ui`, then read every changed `.stderr`.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/*.rs");
}
