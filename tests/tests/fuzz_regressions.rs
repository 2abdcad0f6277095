//! The inputs in `fuzz_regressions/` once crashed or hung the generator under the fuzzers of
//! `fuzz/`; each must now get an answer, `Ok` or `Err`, without a panic, an internal error or a
//! stack overflow, and when it is `Ok` every generated `.rs` file must parse.
//!
//! Each input runs in a process of its own (this test binary again, told which input to run),
//! because a stack overflow aborts the whole process: run in place, the first one would hide
//! every input after it, and a hang would stop the suite.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The variable that tells the test, run again as a child, which input is its own.
const ONE_INPUT: &str = "FUZZ_REGRESSION_INPUT";

/// How long one input may take before it counts as a hang; a debug build takes well under a
/// second for any of them.
const LIMIT: Duration = Duration::from_secs(120);

#[test]
fn every_input_is_answered() {
    if let Some(path) = std::env::var_os(ONE_INPUT) {
        if let Some(problem) = problem(Path::new(&path)) {
            panic!("{problem}");
        }
        return;
    }

    let inputs = inputs();
    assert!(!inputs.is_empty(), "no inputs in fuzz_regressions/");
    let failures: Vec<String> = inputs
        .iter()
        .filter_map(|path| {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            run_alone(path).map(|why| format!("{name}: {why}"))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} fuzz regressions fail:\n\n{}",
        failures.len(),
        inputs.len(),
        failures.join("\n\n")
    );
}

fn inputs() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz_regressions");
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.is_file())
        .collect();
    inputs.sort();
    inputs
}

/// Runs this test again for `path` alone; what went wrong, if anything did.
fn run_alone(path: &Path) -> Option<String> {
    let exe = std::env::current_exe().expect("the test binary's path");
    let mut child = Command::new(exe)
        .args(["every_input_is_answered", "--exact", "--nocapture"])
        .env(ONE_INPUT, path)
        .env("RUST_BACKTRACE", "0")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the test binary starts again");
    let started = Instant::now();
    loop {
        if child.try_wait().expect("the child's status").is_some() {
            break;
        }
        if started.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            return Some(format!("no answer within {} s", LIMIT.as_secs()));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().expect("the child's output");
    if output.status.success() {
        return None;
    }
    // The panic message or the overflow notice, without the test harness's own lines.
    let stderr = String::from_utf8_lossy(&output.stderr);
    let said: Vec<&str> = stderr
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with("note: "))
        .take(6)
        .collect();
    Some(format!("{}\n{}", output.status, said.join("\n")))
}

/// What is wrong with the generator's answer to the input at `path`, if anything.
fn problem(path: &Path) -> Option<String> {
    // Some inputs are not UTF-8; the fuzzer fed them in with bad sequences replaced.
    let bytes = std::fs::read(path).expect("the input is readable");
    let spec = String::from_utf8_lossy(&bytes);
    let settings = generator::Settings::new("fuzzed", "spec.yaml");
    match generator::generate(&spec, &settings) {
        Err(diagnostics) => diagnostics
            .iter()
            .find(|d| d.message.starts_with("internal error"))
            .map(|d| d.message.clone()),
        Ok(output) => output
            .files
            .iter()
            .filter(|file| file.path.ends_with(".rs"))
            .find_map(|file| {
                let error = syn::parse_file(&file.contents).err()?;
                Some(format!("generated {} does not parse: {error}", file.path))
            }),
    }
}
