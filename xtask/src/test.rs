//! `cargo xtask test`: the whole test suite in one command: the workspace's tests, then those
//! of the example consumer, which builds against `generated/` as a downstream project does.
//! It ends with one line that adds up every suite's results.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, ExitCode, Stdio};

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

/// Tests passed and failed, as the harness reported them.
#[derive(Default)]
struct Tally {
    passed: u64,
    failed: u64,
}

impl Tally {
    /// Adds the counts of a `test result: ok. 3 passed; 0 failed; ...` line.
    fn add(&mut self, line: &str) {
        let Some(counts) = line.strip_prefix("test result: ") else {
            return;
        };
        for part in counts.split(['.', ';']) {
            let mut words = part.split_whitespace();
            let (Some(n), Some(what)) = (words.next(), words.next()) else {
                continue;
            };
            let Ok(n) = n.parse::<u64>() else { continue };
            match what {
                "passed" => self.passed += n,
                "failed" => self.failed += n,
                _ => {}
            }
        }
    }
}

/// Runs every suite, stopping at the first that fails.
pub fn run(root: &Path) -> ExitCode {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut tally = Tally::default();
    for (name, args) in SUITES {
        eprintln!("testing {name}: cargo {}", args.join(" "));
        let child = Command::new(&cargo)
            .args(args)
            .current_dir(root)
            // The consumer has its own lock file; sharing the target directory still saves
            // building the dependencies twice.
            .env("CARGO_TARGET_DIR", root.join("target"))
            .stdout(Stdio::piped())
            .spawn();
        let mut child = match child {
            Ok(child) => child,
            Err(e) => {
                eprintln!("error: cannot run cargo for {name}\n  caused by: {e}");
                return ExitCode::FAILURE;
            }
        };
        // The harness's output is passed on as it comes, and its result lines counted.
        if let Some(stdout) = child.stdout.take() {
            let mut out = std::io::stdout();
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                tally.add(&line);
                let _ = writeln!(out, "{line}");
            }
        }
        match child.wait() {
            Ok(status) if status.success() => {}
            Ok(_) => {
                println!(
                    "tests: {} passed, {} failed",
                    tally.passed,
                    tally.failed.max(1)
                );
                eprintln!("error: the tests of {name} failed");
                return ExitCode::FAILURE;
            }
            Err(e) => {
                eprintln!("error: cannot wait for cargo for {name}\n  caused by: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    println!("tests: {} passed, {} failed", tally.passed, tally.failed);
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_lines_are_added_up() {
        let mut tally = Tally::default();
        tally.add("test result: ok. 12 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out");
        tally.add("test result: FAILED. 3 passed; 2 failed; 0 ignored; 0 measured");
        tally.add("running 3 tests");
        assert_eq!((tally.passed, tally.failed), (15, 2));
    }
}
