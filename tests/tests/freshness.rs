//! The committed `generated/` is what the generator makes of `spec/` today: the same check as
//! `cargo xtask codegen --check`, through the same code.

#[test]
fn generated_crate_is_fresh() {
    let stale = xtask::codegen::stale_in_default_output().unwrap_or_else(|e| panic!("{e}"));
    assert!(
        stale.is_empty(),
        "generated/ is stale, run `cargo xtask codegen`; stale files: {stale:?}"
    );
}
