//! What the fuzz targets share: the promises of `generator::generate` that every run checks, and
//! the builder of structured specs.
//!
//! A broken promise is a panic here, which libFuzzer records as a crash together with the input
//! that caused it; a panic inside the generator is recorded the same way.

pub mod structured;

use std::path::PathBuf;
use std::sync::OnceLock;

use generator::{Output, Settings};

/// Writes each input to the file that `FUZZ_LAST_INPUT` names (`{pid}` in it becomes the
/// process id) before it runs.
///
/// A stack overflow on the generator's own thread kills the process before libFuzzer can save
/// the input: under libFuzzer's `main` the standard library's overflow handler is never
/// installed, so nothing catches the fault. The file is then the only record of what did it.
pub fn remember(data: &[u8]) {
    static PATH: OnceLock<Option<PathBuf>> = OnceLock::new();
    let path = PATH.get_or_init(|| {
        let template = std::env::var("FUZZ_LAST_INPUT").ok()?;
        Some(
            template
                .replace("{pid}", &std::process::id().to_string())
                .into(),
        )
    });
    if let Some(path) = path {
        std::fs::write(path, data).expect("FUZZ_LAST_INPUT names a writable file");
    }
}

/// The settings of a run whose input says nothing about them.
pub fn default_settings() -> Settings {
    Settings::new("fuzzed", "spec.yaml")
}

/// Runs the generator on `spec` and checks what a user of it relies on: that it returns at all
/// (the harness catches panics, overflows, time-outs and runaway memory), and, when it succeeds,
/// that its output is valid and the same on every run.
pub fn check(spec: &str, settings: &Settings) {
    let first = match generator::generate(spec, settings) {
        Ok(output) => output,
        Err(diags) => {
            // Diagnostics are a correct answer to a bad spec, unless they own up to a bug in
            // the generator: a caught panic, or tokens that did not parse.
            if let Some(d) = diags
                .iter()
                .find(|d| d.message.starts_with("internal error"))
            {
                panic!("the generator reported an internal error: {}", d.message);
            }
            return;
        }
    };
    check_output(&first);

    // A second run in the same process still sees fresh hash seeds, so output that depends on
    // a hash map's order shows up as a difference here; it runs on one thread, so output that
    // depends on how the parts were shared among threads does too.
    let one_thread = Settings {
        jobs: std::num::NonZeroUsize::new(1),
        ..settings.clone()
    };
    let second = generator::generate(spec, &one_thread)
        .unwrap_or_else(|e| panic!("the second run failed where the first succeeded: {e:?}"));
    assert!(
        first.files == second.files,
        "two runs on the same spec gave different files"
    );
    assert!(
        first.surface == second.surface,
        "two runs on the same spec gave different surfaces"
    );
    assert!(
        first.warnings == second.warnings,
        "two runs on the same spec gave different warnings"
    );
}

/// Checks that every file of a successful run is what its name says it is.
fn check_output(output: &Output) {
    for file in &output.files {
        let problem = if file.path.ends_with(".rs") {
            let error = syn::parse_file(&file.contents).err();
            error.map(|e| format!("does not parse: {e}"))
        } else if file.path.ends_with(".toml") {
            let error = file.contents.parse::<toml::Table>().err();
            error.map(|e| format!("is not TOML: {e}"))
        } else {
            None
        };
        if let Some(problem) = problem {
            panic!("generated {} {problem}", file.path);
        }
    }
}
