//! The project's commands, run as `cargo xtask <command>`.
//!
//! `codegen` generates a crate from a spec and writes it, touching only files that change;
//! `codegen --check` writes nothing and fails when the output is stale. `test` runs every test
//! suite of the project. `bench` measures generation against other generators.

mod bench;

use xtask::codegen;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask test
       cargo xtask bench [--smoke] [--out DIR] [--full-spec PATH] [--own-runs N] [--runs N]
                         [--slow-runs N] [--synthetic-operations N] [--cache DIR]
                         [--no-compile]
       cargo xtask codegen [--check] [--spec PATH] [--out DIR] [--crate-name NAME]
                           [--operation ID]... [--tag TAG]... [--standalone]
                           [--no-example-tests] [--jobs N]

`test` runs every test suite; `codegen` writes generated/ from spec/, or another crate from
another spec:

  --check             write nothing; fail naming every file that is stale
  --spec PATH         the OpenAPI 3.0 description to read (default: spec/openapi.yaml)
  --out DIR           the crate directory to write (default: generated)
  --crate-name NAME   the package name of the generated crate (default: authlete)
  --operation ID      generate only this operation (repeatable; with --tag, either matches)
  --tag TAG           generate only operations with this tag (repeatable)
  --standalone        give the crate a [workspace] table, to build it outside this workspace
  --no-example-tests  leave out src/examples.rs, the round-trip tests of the examples
  --jobs N            threads to generate with (default: one per CPU); the files are the same

`bench` prints a table of generation time, peak memory and compile cost against progenitor,
OpenAPI Generator and the parse floor, and writes it as bench.md and bench.json:

  --smoke             this project only, once per spec, installing nothing (for CI)
  --out DIR           where to write the table (default: target/bench)
  --full-spec PATH    the full spec (default: ../shared/specs/authlete-3.0.16.yaml, from the
                      workspace root)
  --own-runs N        timed runs of this project and of the parse floor per spec, taken in
                      turns, after one warm-up (default: 11)
  --runs N            the same for progenitor, and runs of each compile (default: 5)
  --slow-runs N       the same for OpenAPI Generator (default: 3)
  --synthetic-operations N
                      operations of the large synthetic spec (default: 2000)
  --cache DIR         where peers are installed (default: ~/.cache/openapi-codegen-bench)
  --no-compile        leave out the compile cost of the output";

/// How much more than it needs the C allocator takes from the system each time a heap grows.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const TOP_PAD: std::ffi::c_int = 16 << 20;

/// Asks glibc's allocator to grow each heap in large steps.
///
/// Generation allocates and frees syntax trees on a thread per CPU. By default glibc grows the
/// heap of each thread a few pages at a time, each step an `mprotect` call that every other
/// core must be told of: on the whole Authlete API that was some 1,400 calls, the most costly
/// system time of a run. The pad is address space, not memory: pages are only resident once
/// they are used.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn tune_allocator() {
    const M_TOP_PAD: std::ffi::c_int = -2;
    unsafe extern "C" {
        fn mallopt(param: std::ffi::c_int, value: std::ffi::c_int) -> std::ffi::c_int;
    }
    // SAFETY: `mallopt` only changes a setting of glibc's allocator, which every later
    // allocation reads under the allocator's own locks; a value it refuses is ignored.
    unsafe {
        mallopt(M_TOP_PAD, TOP_PAD);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn tune_allocator() {}

fn main() -> ExitCode {
    tune_allocator();
    // A panic is a fault of this program, never of the user's input: say so in one line, in
    // the words of every other error, instead of Rust's panic message.
    std::panic::set_hook(Box::new(|info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("error: internal error{place}: {what}; please report it with the spec");
    }));
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        // Standard error is unbuffered, and a diagnostic is printed in pieces: one write per
        // line instead of one per piece.
        Some("codegen") => codegen::run(
            &args[1..],
            USAGE,
            &mut std::io::stdout(),
            &mut std::io::LineWriter::new(std::io::stderr()),
        ),
        Some("bench") => bench::run(&args[1..], USAGE),
        // Hidden: the floor that `bench` times, parsing the spec and nothing more.
        Some("parse-floor") => bench::parse_floor(&args[1..]),
        Some("test") => xtask::test::run(&xtask::workspace_root()),
        Some("-h" | "--help") | None => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("error: unknown command `{other}`\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}
