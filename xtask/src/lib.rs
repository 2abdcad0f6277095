//! The logic behind `cargo xtask`, as a library so that the test suite can run the same checks
//! the commands run.

pub mod codegen;
