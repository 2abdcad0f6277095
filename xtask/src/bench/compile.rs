//! The compile cost of a generated crate: `cargo check` and `cargo build` of the crate alone,
//! its dependencies built beforehand, and the lines of Rust it consists of.
//!
//! Each timed run touches the crate's sources first and builds without incremental compilation,
//! so that the crate is compiled whole every time, as it is after a regeneration that changed it,
//! while its dependencies stay as they were built.

use std::ffi::OsString;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::measure::{Job, Measured, Plan, measure};

/// What compiling one crate cost.
pub struct Cost {
    pub check: Measured,
    pub build: Measured,
}

/// Measures `cargo check` and `cargo build` of the crate in `dir`, with `target` as its target
/// directory (kept between runs of the benchmark, so that dependencies are built once).
pub fn cost(
    cargo: &OsString,
    dir: &Path,
    target: &Path,
    logs: &Path,
    runs: usize,
) -> Result<Cost, String> {
    ensure_own_workspace(dir)?;
    let job = |command: &str, offline: bool| {
        let mut job = Job::new(cargo, logs.join(command))
            .arg(command)
            .cwd(dir)
            .env("CARGO_TARGET_DIR", target)
            .env("CARGO_INCREMENTAL", "0");
        if offline {
            job = job.arg("--offline");
        }
        job
    };
    // The first build fetches and builds the dependencies; it is the one that may need the
    // registry, and the one that says whether the crate compiles at all.
    let once = Plan {
        warmups: 0,
        runs: 1,
        memory: false,
    };
    for command in ["build", "check"] {
        measure(&job(command, false), once, &mut || Ok(()))
            .map_err(|e| format!("does not compile: {e}"))?;
    }
    let plan = Plan {
        warmups: 0,
        runs,
        memory: false,
    };
    let src = dir.join("src");
    let mut touch = || touch_all(&src).map_err(|e| format!("cannot touch {}: {e}", src.display()));
    let check = measure(&job("check", true), plan, &mut touch)?;
    let build = measure(&job("build", true), plan, &mut touch)?;
    Ok(Cost { check, build })
}

/// Gives a crate that lives inside this workspace's directory, but is no member of it, an empty
/// `[workspace]` table, without which cargo refuses to build it. This project's output has one
/// already (`--standalone`); the peers' output gets it appended.
fn ensure_own_workspace(dir: &Path) -> Result<(), String> {
    let manifest = dir.join("Cargo.toml");
    let text = fs::read_to_string(&manifest)
        .map_err(|e| format!("cannot read {}: {e}", manifest.display()))?;
    if text.lines().any(|l| l.trim() == "[workspace]") {
        return Ok(());
    }
    let text = format!("{}\n[workspace]\n", text.trim_end());
    fs::write(&manifest, text).map_err(|e| format!("cannot write {}: {e}", manifest.display()))
}

/// Sets the modification time of every file under `dir` to now.
fn touch_all(dir: &Path) -> io::Result<()> {
    let now = SystemTime::now();
    for file in files(dir, &|_| true)? {
        fs::File::options()
            .write(true)
            .open(&file)?
            .set_modified(now)?;
    }
    Ok(())
}

/// The lines of every `.rs` file under `dir`, outside `target/`.
pub fn rust_lines(dir: &Path) -> io::Result<u64> {
    let mut lines = 0;
    for file in files(dir, &|p| p.extension().is_some_and(|e| e == "rs"))? {
        lines += fs::read_to_string(&file)?.lines().count() as u64;
    }
    Ok(lines)
}

/// The files under `dir` that `keep` keeps, skipping any directory named `target`.
fn files(dir: &Path, keep: &dyn Fn(&Path) -> bool) -> io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir)? {
            let entry = entry?;
            let path = entry.path();
            let kind = entry.file_type()?;
            if kind.is_dir() && entry.file_name() != "target" {
                pending.push(path);
            } else if kind.is_file() && keep(&path) {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}
