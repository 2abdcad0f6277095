//! The logic behind `cargo xtask`, as a library so that the test suite can run the same checks
//! the commands run.

pub mod codegen;
pub mod test;

/// The workspace root, where `spec/`, `generated/` and the rest are.
pub fn workspace_root() -> std::path::PathBuf {
    let xtask = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    xtask.parent().unwrap_or(xtask).to_path_buf()
}
