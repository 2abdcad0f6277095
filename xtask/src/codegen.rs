//! `cargo xtask codegen`: generate in memory, then bring the output directory up to date.
//!
//! Nothing is written until the whole crate has been generated, so a spec with errors leaves
//! the directory as it was. Changed files are first written beside their targets and then
//! renamed over them; files that carry no `@generated` header are never touched.

use std::collections::BTreeSet;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use generator::{GENERATED_MARKER, Selection, Settings};

/// The options of one run.
struct Options {
    check: bool,
    spec: PathBuf,
    out: PathBuf,
    settings: Settings,
}

/// A failure to report: what went wrong, then why, outermost first.
struct Failure(Vec<String>);

impl Failure {
    fn new(message: impl Into<String>) -> Self {
        Self(vec![message.into()])
    }

    fn io(message: impl Into<String>, cause: io::Error) -> Self {
        Self(vec![message.into(), cause.to_string()])
    }

    fn report(&self, err: &mut dyn Write) {
        let mut lines = self.0.iter();
        if let Some(first) = lines.next() {
            let _ = writeln!(err, "error: {first}");
        }
        for cause in lines {
            let _ = writeln!(err, "  caused by: {cause}");
        }
    }
}

/// Runs `cargo xtask codegen` with `args`, reporting on `out` and `err`; `usage` is printed
/// when the arguments are wrong.
pub fn run(args: &[String], usage: &str, out: &mut dyn Write, err: &mut dyn Write) -> ExitCode {
    let options = match parse(args) {
        Ok(options) => options,
        Err(message) => {
            let _ = writeln!(err, "error: {message}\n\n{usage}");
            return ExitCode::from(2);
        }
    };
    match codegen(&options, out, err) {
        Ok(code) => code,
        Err(failure) => {
            failure.report(err);
            ExitCode::FAILURE
        }
    }
}

/// What `cargo xtask codegen --check` finds stale in `generated/`: nothing when it is fresh.
///
/// The freshness test calls this, so that it checks exactly what the command checks.
pub fn stale_in_default_output() -> Result<Vec<String>, String> {
    let options = parse(&[])?;
    let text =
        fs::read_to_string(&options.spec).map_err(|e| format!("cannot read the spec: {e}"))?;
    let output = generator::generate(&text, &options.settings).map_err(|diagnostics| {
        let lines: Vec<String> = diagnostics
            .iter()
            .map(|d| d.display("spec").to_string())
            .collect();
        lines.join("\n")
    })?;
    let plan = plan(&options.out, &output.files).map_err(|f| f.0.join(": "))?;
    let stale = plan
        .into_iter()
        .filter(|(_, c)| !matches!(c, Change::Unchanged));
    Ok(stale.map(|(path, _)| path).collect())
}

fn parse(args: &[String]) -> Result<Options, String> {
    let root = crate::workspace_root();
    let mut check = false;
    let mut spec = None;
    let mut out = None;
    let mut crate_name = "authlete".to_owned();
    let mut operations = BTreeSet::new();
    let mut tags = BTreeSet::new();
    let mut standalone = false;
    let mut example_tests = true;
    let mut jobs = None;
    // The header names the command that regenerates the files; --check and --jobs, which do
    // not change them, are no part of it.
    let mut command = vec!["cargo".to_owned(), "xtask".to_owned(), "codegen".to_owned()];

    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let takes_value = matches!(
            arg.as_str(),
            "--spec" | "--out" | "--crate-name" | "--operation" | "--tag" | "--jobs"
        );
        let value = match takes_value {
            true => Some(
                args.next()
                    .cloned()
                    .ok_or_else(|| format!("`{arg}` needs a value"))?,
            ),
            false => None,
        };
        match (arg.as_str(), value.clone()) {
            ("--check", _) => check = true,
            ("--standalone", _) => standalone = true,
            ("--no-example-tests", _) => example_tests = false,
            ("--spec", Some(v)) => spec = Some(PathBuf::from(v)),
            ("--out", Some(v)) => out = Some(PathBuf::from(v)),
            ("--crate-name", Some(v)) => crate_name = v,
            ("--operation", Some(v)) => {
                operations.insert(v);
            }
            ("--tag", Some(v)) => {
                tags.insert(v);
            }
            ("--jobs", Some(v)) => {
                jobs =
                    Some(v.parse().map_err(|_| {
                        format!("`--jobs` needs a whole number above zero, not `{v}`")
                    })?);
            }
            (other, _) => return Err(format!("unknown option `{other}`")),
        }
        if arg != "--check" && arg != "--jobs" {
            command.push(arg.clone());
            command.extend(value);
        }
    }
    let command = rebuild_command(&command);

    let spec = spec.unwrap_or_else(|| root.join("spec/openapi.yaml"));
    let out = out.unwrap_or_else(|| root.join("generated"));
    let source = shown(&spec, &root);
    let selection = if operations.is_empty() && tags.is_empty() {
        Selection::All
    } else {
        Selection::Only { operations, tags }
    };
    let settings = Settings {
        crate_name,
        crate_version: None,
        selection,
        source,
        command,
        standalone,
        example_tests,
        jobs,
    };
    Ok(Options {
        check,
        spec,
        out,
        settings,
    })
}

/// The command line for the header, with values quoted where they need it.
fn rebuild_command(parts: &[String]) -> String {
    parts
        .iter()
        .map(|p| {
            if p.is_empty() || p.contains(|c: char| c.is_whitespace() || "'\"$`\\".contains(c)) {
                format!("'{}'", p.replace('\'', "'\\''"))
            } else {
                p.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `path` relative to the workspace when it is inside it, so that headers do not depend on
/// where the checkout is.
fn shown(path: &Path, root: &Path) -> String {
    let absolute = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let root = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let shown = absolute
        .strip_prefix(&root)
        .map(Path::to_path_buf)
        .unwrap_or(absolute);
    shown.to_string_lossy().replace('\\', "/")
}

/// What happens to one file of the output directory; what is written is borrowed from the
/// generator's output.
enum Change<'a> {
    Unchanged,
    Write(&'a str),
    Remove,
}

fn codegen(
    options: &Options,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitCode, Failure> {
    let spec_name = shown(&options.spec, &std::env::current_dir().unwrap_or_default());
    let text = fs::read_to_string(&options.spec)
        .map_err(|e| Failure::io(format!("cannot read the spec `{spec_name}`"), e))?;

    let output = match generator::generate(&text, &options.settings) {
        Ok(output) => output,
        Err(diagnostics) => {
            for d in diagnostics.iter() {
                let _ = writeln!(err, "{}", d.display(&spec_name));
            }
            let errors = diagnostics
                .iter()
                .filter(|d| d.severity == generator::Severity::Error)
                .count();
            return Err(Failure::new(format!(
                "{spec_name}: {errors} error(s); nothing was written"
            )));
        }
    };
    for warning in output.warnings.iter() {
        let _ = writeln!(err, "{}", warning.display(&spec_name));
    }

    let plan = plan(&options.out, &output.files)?;
    let out_name = shown(&options.out, &std::env::current_dir().unwrap_or_default());
    if options.check {
        let stale: Vec<&(String, Change)> = plan
            .iter()
            .filter(|(_, c)| !matches!(c, Change::Unchanged))
            .collect();
        for (path, change) in &stale {
            let what = if matches!(change, Change::Remove) {
                "would be removed"
            } else {
                "is stale"
            };
            let _ = writeln!(err, "{out_name}/{path} {what}");
        }
        if stale.is_empty() {
            let _ = writeln!(out, "{out_name}: {} files, all fresh", plan.len());
            return Ok(ExitCode::SUCCESS);
        }
        return Err(Failure::new(format!(
            "{} file(s) in {out_name} are stale; run `{}`",
            stale.len(),
            options.settings.command
        )));
    }
    apply(&options.out, &plan)?;
    for (path, change) in &plan {
        let what = match change {
            Change::Unchanged => "unchanged",
            Change::Write(_) => "written  ",
            Change::Remove => "removed  ",
        };
        let _ = writeln!(out, "{what} {out_name}/{path}");
    }
    Ok(ExitCode::SUCCESS)
}

/// Decides every file's fate, refusing before anything is written to overwrite a file that
/// the generator did not write.
fn plan<'a>(
    out: &Path,
    files: &'a [generator::File],
) -> Result<Vec<(String, Change<'a>)>, Failure> {
    let mut plan = Vec::new();
    let mut produced = BTreeSet::new();
    for file in files {
        produced.insert(file.path.clone());
        let target = out.join(&file.path);
        let change = match fs::read(&target) {
            Ok(existing) if existing == file.contents.as_bytes() => Change::Unchanged,
            Ok(existing) if is_generated(&existing) => Change::Write(&file.contents),
            Ok(_) => {
                return Err(Failure::new(format!(
                    "refusing to overwrite {}: it has no `{GENERATED_MARKER}` header, so the \
                     generator did not write it; move it away or choose another --out",
                    target.display()
                )));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Change::Write(&file.contents),
            Err(e) => return Err(Failure::io(format!("cannot read {}", target.display()), e)),
        };
        plan.push((file.path.clone(), change));
    }
    for path in generated_files(out)? {
        if !produced.contains(&path) {
            plan.push((path, Change::Remove));
        }
    }
    Ok(plan)
}

/// Whether the first line of a file says the generator wrote it.
fn is_generated(contents: &[u8]) -> bool {
    let first = contents.split(|&b| b == b'\n').next().unwrap_or_default();
    let first = String::from_utf8_lossy(first);
    first.contains(&format!("{GENERATED_MARKER} by `"))
}

/// Every file under `out` that carries the generator's header, outside `target/`.
fn generated_files(out: &Path) -> Result<Vec<String>, Failure> {
    let mut found = Vec::new();
    let mut pending = vec![PathBuf::new()];
    while let Some(relative) = pending.pop() {
        let dir = out.join(&relative);
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(Failure::io(format!("cannot list {}", dir.display()), e)),
        };
        for entry in entries {
            let entry =
                entry.map_err(|e| Failure::io(format!("cannot list {}", dir.display()), e))?;
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.') || (relative.as_os_str().is_empty() && name == "target") {
                continue;
            }
            let path = relative.join(&*name);
            let kind = entry
                .file_type()
                .map_err(|e| Failure::io(format!("cannot stat {}", path.display()), e))?;
            if kind.is_dir() {
                pending.push(path);
            } else if kind.is_file() {
                let mut head = [0u8; 256];
                let read = fs::File::open(entry.path())
                    .and_then(|mut f| io::Read::read(&mut f, &mut head));
                if read.is_ok_and(|n| is_generated(&head[..n])) {
                    found.push(path.to_string_lossy().replace('\\', "/"));
                }
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Writes every changed file beside its target, then renames them all into place, then removes
/// what is no longer generated. A failure while staging removes what was staged.
fn apply(out: &Path, plan: &[(String, Change)]) -> Result<(), Failure> {
    let mut staged = Vec::new();
    let stage = |staged: &mut Vec<(PathBuf, PathBuf)>| -> Result<(), Failure> {
        for (path, change) in plan {
            let Change::Write(contents) = change else {
                continue;
            };
            let target = out.join(path);
            if let Some(dir) = target.parent() {
                fs::create_dir_all(dir)
                    .map_err(|e| Failure::io(format!("cannot create {}", dir.display()), e))?;
            }
            let file_name = target
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let temp =
                target.with_file_name(format!(".{file_name}.codegen-{}", std::process::id()));
            fs::write(&temp, contents)
                .map_err(|e| Failure::io(format!("cannot write {}", temp.display()), e))?;
            staged.push((temp, target));
        }
        Ok(())
    };
    if let Err(failure) = stage(&mut staged) {
        for (temp, _) in &staged {
            let _ = fs::remove_file(temp);
        }
        return Err(failure);
    }
    for (temp, target) in &staged {
        fs::rename(temp, target)
            .map_err(|e| Failure::io(format!("cannot move {} into place", target.display()), e))?;
    }
    for (path, change) in plan {
        if matches!(change, Change::Remove) {
            let target = out.join(path);
            fs::remove_file(&target)
                .map_err(|e| Failure::io(format!("cannot remove {}", target.display()), e))?;
        }
    }
    Ok(())
}
