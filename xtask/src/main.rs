//! The project's commands, run as `cargo xtask <command>`.
//!
//! `codegen` generates a crate from a spec and writes it, touching only files that change;
//! `codegen --check` writes nothing and fails when the output is stale. `test` runs every test
//! suite of the project.

use xtask::codegen;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask test
       cargo xtask codegen [--check] [--spec PATH] [--out DIR] [--crate-name NAME]
                           [--operation ID]... [--tag TAG]... [--standalone]
                           [--no-example-tests]

`test` runs every test suite; `codegen` writes generated/ from spec/, or another crate from
another spec:

  --check             write nothing; fail naming every file that is stale
  --spec PATH         the OpenAPI 3.0 description to read (default: spec/openapi.yaml)
  --out DIR           the crate directory to write (default: generated)
  --crate-name NAME   the package name of the generated crate (default: authlete)
  --operation ID      generate only this operation (repeatable; with --tag, either matches)
  --tag TAG           generate only operations with this tag (repeatable)
  --standalone        give the crate a [workspace] table, to build it outside this workspace
  --no-example-tests  leave out src/examples.rs, the round-trip tests of the examples";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("codegen") => codegen::run(&args[1..], USAGE),
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
