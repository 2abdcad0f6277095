//! The tools that the benchmark runs, and the installing of the peers on demand.
//!
//! Peers are pinned to one version each, so that two runs of the benchmark compare the same
//! things, and live in a cache outside the repository, in a directory named after that version:
//! a changed pin installs afresh beside the old one.

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::measure::{Job, shorten};

/// The version of progenitor's command-line generator that the benchmark installs.
pub const PROGENITOR_VERSION: &str = "0.15.1";
/// The version of OpenAPI Generator's Python launcher, which bundles the generator's jar.
pub const OPENAPI_GENERATOR_VERSION: &str = "7.26.0";

/// The package name that every tool gives the crate it generates.
pub const CRATE_NAME: &str = "bench_out";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// This project: the release build of `cargo xtask codegen`.
    Ours,
    /// The same binary reading the spec into `openapiv3` types and doing nothing else.
    Floor,
    Progenitor,
    OpenApiGenerator,
}

#[derive(Clone, Debug)]
pub struct Tool {
    pub kind: Kind,
    /// The name in the table, with the version of a peer.
    pub name: String,
    /// The name in paths under the scratch directory.
    pub slug: &'static str,
    pub program: PathBuf,
}

impl Tool {
    pub fn ours(xtask: &Path) -> Self {
        Self {
            kind: Kind::Ours,
            name: "this project".to_owned(),
            slug: "ours",
            program: xtask.to_path_buf(),
        }
    }

    pub fn floor(xtask: &Path) -> Self {
        Self {
            kind: Kind::Floor,
            name: "parse floor".to_owned(),
            slug: "floor",
            program: xtask.to_path_buf(),
        }
    }

    /// Whether the tool's output is a crate, to count and compile.
    pub fn makes_crate(&self) -> bool {
        self.kind != Kind::Floor
    }

    /// The command that generates a crate from `spec` into `out`, logging into `log`.
    pub fn job(&self, spec: &Path, out: &Path, log: PathBuf) -> Job {
        let job = Job::new(&self.program, log);
        match self.kind {
            Kind::Ours => job
                .arg("codegen")
                .arg("--spec")
                .arg(spec)
                .arg("--out")
                .arg(out)
                .args(["--standalone", "--crate-name", CRATE_NAME]),
            Kind::Floor => job.arg("parse-floor").arg(spec),
            Kind::Progenitor => {
                // The binary is a cargo subcommand, so its first argument names it.
                let mut job = job
                    .arg("progenitor")
                    .arg("-i")
                    .arg(spec)
                    .arg("-o")
                    .arg(out)
                    .args(["-n", CRATE_NAME, "-v", "0.1.0"]);
                // It prints the reason for a failure on stdout, and only a summary on stderr.
                job.error_prefix = Some("gen fail:");
                job
            }
            Kind::OpenApiGenerator => job
                .arg("generate")
                .arg("-i")
                .arg(spec)
                .arg("-o")
                .arg(out)
                .args(["-g", "rust"])
                .arg(format!("--additional-properties=packageName={CRATE_NAME}")),
        }
    }
}

/// progenitor, installed with `cargo install` into `cache` unless it is there already.
pub fn progenitor(cache: &Path, cargo: &OsString) -> Result<Tool, String> {
    let root = cache.join(format!("cargo-progenitor-{PROGENITOR_VERSION}"));
    let program = root.join("bin").join("cargo-progenitor");
    if !program.exists() {
        eprintln!(
            "bench: installing cargo-progenitor {PROGENITOR_VERSION} from crates.io into {} \
             (it compiles for several minutes)",
            root.display()
        );
        let log = cache.join("cargo-progenitor-install.log");
        let mut command = Command::new(cargo);
        command
            .args([
                "install",
                "--locked",
                "--version",
                PROGENITOR_VERSION,
                "--root",
            ])
            .arg(&root)
            .arg("cargo-progenitor");
        install(command, &log)
            .map_err(|e| format!("cannot install cargo-progenitor {PROGENITOR_VERSION}: {e}"))?;
    }
    Ok(Tool {
        kind: Kind::Progenitor,
        name: format!("progenitor {PROGENITOR_VERSION}"),
        slug: "progenitor",
        program,
    })
}

/// OpenAPI Generator, installed with pip into a virtual environment in `cache` unless it is
/// there already.
pub fn openapi_generator(cache: &Path) -> Result<Tool, String> {
    let venv = cache.join(format!("openapi-generator-cli-{OPENAPI_GENERATOR_VERSION}"));
    let program = venv.join("bin").join("openapi-generator-cli");
    let failed = |e: String| {
        format!("cannot install openapi-generator-cli {OPENAPI_GENERATOR_VERSION}: {e}")
    };
    if !program.exists() {
        eprintln!(
            "bench: installing openapi-generator-cli {OPENAPI_GENERATOR_VERSION} from PyPI into \
             a virtual environment at {}",
            venv.display()
        );
        let log = cache.join("openapi-generator-cli-install.log");
        let pip = venv.join("bin").join("pip");
        if !pip.exists() {
            let mut command = Command::new("python3");
            command.args(["-m", "venv"]).arg(&venv);
            install(command, &log).map_err(failed)?;
        }
        let mut command = Command::new(&pip);
        command
            .args(["install", "--quiet", "--disable-pip-version-check"])
            .arg(format!(
                "openapi-generator-cli=={OPENAPI_GENERATOR_VERSION}"
            ));
        install(command, &log).map_err(failed)?;
    }
    // The launcher runs the bundled jar with the `java` on the path; without one, every run
    // would fail the same way, so say it once and plainly.
    let java = Command::new("java")
        .arg("-version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    if !java.is_ok_and(|s| s.success()) {
        return Err("`java -version` does not run; OpenAPI Generator needs a Java runtime".into());
    }
    Ok(Tool {
        kind: Kind::OpenApiGenerator,
        name: format!("OpenAPI Generator {OPENAPI_GENERATOR_VERSION}"),
        slug: "openapi-generator",
        program,
    })
}

/// Runs an install command with its output in `log`, appending to what earlier steps wrote.
fn install(mut command: Command, log: &Path) -> Result<(), String> {
    if let Some(dir) = log.parent() {
        fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let file = fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .map_err(|e| format!("cannot open {}: {e}", log.display()))?;
    let copy = file
        .try_clone()
        .map_err(|e| format!("cannot open {}: {e}", log.display()))?;
    let status = command
        .stdin(Stdio::null())
        .stdout(copy)
        .stderr(file)
        .status()
        .map_err(|e| format!("cannot run {:?}: {e}", command.get_program()))?;
    if status.success() {
        return Ok(());
    }
    let text = fs::read_to_string(log).unwrap_or_default();
    let why = text
        .lines()
        .find(|l| l.trim_start().to_ascii_lowercase().starts_with("error"))
        .map(|l| shorten(l.trim()))
        .unwrap_or_else(|| format!("exited with {status}"));
    Err(format!("{why} (the log is {})", log.display()))
}
