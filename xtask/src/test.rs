//! `cargo xtask test`: the whole test suite in one command: the workspace's tests, then those
//! of the example consumer, which builds against `generated/` as a downstream project does.

use std::path::Path;
use std::process::{Command, ExitCode};

/// The suites, in order: each is a cargo invocation from the workspace root.
const SUITES: [(&str, &[&str]); 2] = [
    ("the workspace", &["test", "--workspace"]),
    (
        "the example consumer",
        &[
            "test",
            "--manifest-path",
            "examples/token-server/Cargo.toml",
        ],
    ),
];

/// Runs every suite, stopping at the first that fails.
pub fn run(root: &Path) -> ExitCode {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    for (name, args) in SUITES {
        eprintln!("testing {name}: cargo {}", args.join(" "));
        let status = Command::new(&cargo)
            .args(args)
            .current_dir(root)
            // The consumer has its own lock file; sharing the target directory still saves
            // building the dependencies twice.
            .env("CARGO_TARGET_DIR", root.join("target"))
            .status();
        match status {
            Ok(status) if status.success() => {}
            Ok(_) => {
                eprintln!("error: the tests of {name} failed");
                return ExitCode::FAILURE;
            }
            Err(e) => {
                eprintln!("error: cannot run cargo for {name}\n  caused by: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}
