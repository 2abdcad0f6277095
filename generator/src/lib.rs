//! Turns an OpenAPI 3.0 description into the files of a Rust client crate.
//!
//! [`generate`] is the whole of it: spec text and [`Settings`] in, [`Output`] out. It reads and
//! writes no file itself. Inside, the steps are apart: `load` reads the spec, `lower` builds the
//! model (and owns every name, through `naming`), `emit` turns the model into tokens, and
//! `print` turns tokens into text; `parts` cuts the files into parts that every thread emits
//! and prints, the client's methods from while the rest is still being lowered.

mod diag;
mod docs;
mod emit;
mod load;
mod locate;
mod lower;
mod model;
mod naming;
mod parts;
mod print;
mod surface;

use std::collections::BTreeSet;
use std::num::NonZeroUsize;
use std::sync::OnceLock;
use std::sync::mpsc;

pub use diag::{Diagnostic, Diagnostics, Severity};
pub use locate::{Locator, locate};

/// The spec-independent sources that every generated crate carries, hand-written in
/// `templates/`.
const TEMPLATES: [(&str, &str); 6] = [
    (
        "src/decode.rs",
        include_str!("../../templates/src/decode.rs"),
    ),
    (
        "src/encode.rs",
        include_str!("../../templates/src/encode.rs"),
    ),
    ("src/error.rs", include_str!("../../templates/src/error.rs")),
    ("src/mock.rs", include_str!("../../templates/src/mock.rs")),
    ("src/retry.rs", include_str!("../../templates/src/retry.rs")),
    (
        "src/transport.rs",
        include_str!("../../templates/src/transport.rs"),
    ),
];

/// What to generate, and how to say where it came from.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The package name of the generated crate.
    pub crate_name: String,
    /// Its version; the spec's `info.version` when that is `x.y.z`, else `0.1.0`.
    pub crate_version: Option<String>,
    /// Which operations to generate.
    pub selection: Selection,
    /// The spec's path as the header of each file names it.
    pub source: String,
    /// The command that regenerates the files, for their header.
    pub command: String,
    /// Whether the crate gets a `[workspace]` table of its own, to build outside any workspace.
    pub standalone: bool,
    /// Whether to write `src/examples.rs`, a round-trip test per example of the spec.
    pub example_tests: bool,
    /// How many threads emit and print the files; one per CPU when `None`. The output is the
    /// same whatever the number.
    pub jobs: Option<NonZeroUsize>,
}

impl Settings {
    /// Settings for the whole spec at `source`, as crate `crate_name`.
    pub fn new(crate_name: impl Into<String>, source: impl Into<String>) -> Self {
        Self {
            crate_name: crate_name.into(),
            crate_version: None,
            selection: Selection::All,
            source: source.into(),
            command: "cargo xtask codegen".to_owned(),
            standalone: false,
            example_tests: true,
            jobs: None,
        }
    }
}

/// Which operations to generate; the schemas they reach come with them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Selection {
    /// Every operation, and every schema of `components`, reached or not.
    #[default]
    All,
    /// The operations with one of these `operationId`s or tags, and the schemas they reach.
    Only {
        operations: BTreeSet<String>,
        tags: BTreeSet<String>,
    },
}

/// One generated file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct File {
    /// Its path in the crate, with `/` between components.
    pub path: String,
    pub contents: String,
}

/// A successful run: the files, sorted by path, and the warnings about the spec.
#[derive(Clone, Debug)]
pub struct Output {
    pub files: Vec<File>,
    pub warnings: Diagnostics,
    /// The crate's public surface as a short listing: types with their fields, and method
    /// signatures.
    pub surface: String,
}

/// The marker that every generated file carries in its first line.
pub const GENERATED_MARKER: &str = "@generated";

/// How much stack the work gets. The parser allows 128 levels of nesting, and reading and
/// lowering a level takes deep recursion through serde and `openapiv3` (several hundred
/// kilobytes in a debug build): more than a test thread's default 2 MiB, far less than this.
pub(crate) const STACK: usize = 256 << 20;

/// Generates the crate for `spec`, or says everything that is wrong with it.
///
/// On failure the diagnostics hold every error found, and the warnings found before them.
pub fn generate(spec: &str, settings: &Settings) -> Result<Output, Diagnostics> {
    on_own_stack(|| generate_here(spec, settings)).unwrap_or_else(|d| Err(d.into()))
}

/// Runs `work` on a thread with a stack of [`STACK`], so that deeply nested specs cannot
/// overflow the caller's; a panic comes back as an internal error rather than unwinding into
/// the caller.
fn on_own_stack<T: Send>(work: impl FnOnce() -> T + Send) -> Result<T, Diagnostic> {
    std::thread::scope(|scope| {
        spawn(scope, "generator", work)?
            .join()
            .map_err(internal_failure)
    })
}

/// The error for a panic of the generator's own, with the panic's message.
fn internal_failure(panic: Box<dyn std::any::Any + Send>) -> Diagnostic {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    Diagnostic::error(
        "",
        format!("internal error: the generator failed ({what}); please report it with the spec"),
    )
}

fn generate_here(spec: &str, settings: &Settings) -> Result<Output, Diagnostics> {
    let jobs = settings
        .jobs
        .or_else(|| std::thread::available_parallelism().ok())
        .map_or(1, NonZeroUsize::get);
    let text = spec;
    let mut diags = Diagnostics::default();
    // Set once lowering is done, for the threads that print, which start before.
    let api = OnceLock::new();
    let parts = OnceLock::new();
    let queue = parts::Queue::new(&parts);
    let emitted: Result<_, Diagnostics> = std::thread::scope(|scope| {
        let (runs, lowered) = mpsc::channel();
        // With a thread to spare, the client's methods are printed while the rest is lowered.
        // The thread starts now and waits, so that it is running when the first run is ready.
        let methods = (jobs > 1)
            .then(|| spawn(scope, "generator-methods", || queue.work_from(lowered)))
            .and_then(Result::ok);
        queue.print_methods_apart(methods.is_some());
        let spec = load::load(text, jobs)?;
        let mut run = Vec::new();
        let lowered = lower::lower(&spec, &settings.selection, &mut diags, &mut |op| {
            if methods.is_some() {
                run.push(op.clone());
                if run.len() == parts::OPERATIONS_PER_PART {
                    let _ = runs.send(std::mem::take(&mut run));
                }
            }
        });
        if !run.is_empty() {
            let _ = runs.send(run);
        }
        // Closing the channel lets the methods' thread go on to the parts, or end when lowering
        // failed and there are none.
        if diags.has_errors() {
            drop(runs);
            return Ok(None);
        }
        let api = api.get_or_init(|| lowered);
        let with_examples = settings.example_tests && !api.examples.is_empty();
        parts.get_or_init(|| parts::parts(api, with_examples));
        drop(runs);

        // What the files do not need is done beside them rather than before or after: placing
        // the warnings in the spec's text, listing the surface, and freeing the spec.
        let diags = &mut diags;
        let aside = spawn(scope, "generator-aside", || {
            diags.locate_in(text);
            drop(spec);
            surface::listing(api)
        })?;
        let started = 1 + usize::from(methods.is_some());
        // A helper that cannot start leaves its share to the others.
        let helpers: Vec<_> = (started..jobs)
            .filter_map(|n| spawn(scope, &format!("generator-{n}"), || queue.work()).ok())
            .collect();
        let mut printed = vec![queue.work()];
        for thread in methods.into_iter().chain(helpers) {
            printed.push(thread.join().map_err(internal_failure)?);
        }
        let surface = aside.join().map_err(internal_failure)?;
        Ok(Some((printed, surface)))
    });
    let (Some((printed, surface)), Some(api), Some(parts)) = (emitted?, api.get(), parts.get())
    else {
        diags.locate_in(text);
        return Err(diags);
    };
    let printed = parts::in_order(parts, printed)?;

    let provenance = format!(
        "{GENERATED_MARKER} by `{}` from {}.\nDo not edit by hand: change the spec or the \
         generator, then run the command again.",
        settings.command, settings.source
    );
    let header = print::header(&provenance);
    let mut files: Vec<File> = Vec::new();
    let mut texts = printed.iter();
    // Each file is its parts in order, written once into a string of the size they add up to.
    for run in parts.chunk_by(|a, b| a.path == b.path) {
        let run_texts: Vec<&String> = texts.by_ref().take(run.len()).collect();
        let size = header.len() + run_texts.iter().map(|text| text.len()).sum::<usize>();
        let mut contents = String::with_capacity(size);
        contents.push_str(&header);
        for text in run_texts {
            contents.push_str(text);
        }
        files.push(File {
            path: run[0].path.to_owned(),
            contents,
        });
    }
    for (path, source) in TEMPLATES {
        let mut contents = header.clone();
        contents.push('\n');
        contents.push_str(source);
        files.push(File {
            path: path.to_owned(),
            contents,
        });
    }
    let version = settings.crate_version.clone().unwrap_or_else(|| {
        let semver = api.version.split('.').count() == 3
            && api
                .version
                .split('.')
                .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        if semver {
            api.version.clone()
        } else {
            "0.1.0".to_owned()
        }
    });
    let mut manifest = String::new();
    for line in provenance.lines() {
        manifest.push_str("# ");
        manifest.push_str(line);
        manifest.push('\n');
    }
    manifest.push('\n');
    manifest.push_str(&emit::manifest(
        api,
        &settings.crate_name,
        &version,
        settings.standalone,
    ));
    files.push(File {
        path: "Cargo.toml".to_owned(),
        contents: manifest,
    });

    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Output {
        files,
        warnings: diags,
        surface,
    })
}

/// Starts a thread named `name`, with a stack of [`STACK`], in `scope`.
pub(crate) fn spawn<'scope, T: Send + 'scope>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    name: &str,
    work: impl FnOnce() -> T + Send + 'scope,
) -> Result<std::thread::ScopedJoinHandle<'scope, T>, Diagnostic> {
    std::thread::Builder::new()
        .name(name.to_owned())
        .stack_size(STACK)
        .spawn_scoped(scope, work)
        .map_err(|e| Diagnostic::error("", format!("cannot start the generator's thread: {e}")))
}

/// The spec as a JSON value, YAML or JSON alike, read as [`generate`] reads it: a repeated key
/// is an error. For tools that rewrite a spec before generating from it.
pub fn spec_json(spec: &str) -> Result<serde_json::Value, Diagnostic> {
    on_own_stack(|| load::json(spec))?
}

/// Parses `spec` into `openapiv3` types with the parser alone (`serde_yaml`, or `serde_json`
/// for a JSON document), on the calling thread: the floor under [`generate`], which also checks
/// what the document is and refuses repeated keys.
pub fn parse_only(spec: &str) -> Result<(), Diagnostic> {
    load::parse_only(spec)
}

/// The candidate closest to `wanted` by edit distance, if any is close enough to be a typo.
pub(crate) fn suggest<'c>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'c String>,
) -> Option<String> {
    // A name that contains the one asked for, or is contained in it, is the likelier meaning
    // than one a few edits away: `auth_token_fail` is short for `auth_token_fail_api`.
    let limit = (wanted.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .map(|c| {
            let related = c.contains(wanted) || wanted.contains(c.as_str());
            (!related, edit_distance(wanted, c), c)
        })
        .filter(|(unrelated, d, _)| !unrelated || *d <= limit)
        .min()
        .map(|(_, _, c)| c.clone())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_are_close_names_only() {
        let names = ["token_fail_request".to_owned(), "result".to_owned()];
        assert_eq!(
            suggest("token_fail_requst", &names).as_deref(),
            Some("token_fail_request")
        );
        assert_eq!(suggest("something_else", &names), None);
        let ids = [
            "auth_token_api".to_owned(),
            "auth_token_fail_api".to_owned(),
        ];
        assert_eq!(
            suggest("auth_token_fail", &ids).as_deref(),
            Some("auth_token_fail_api")
        );
    }
}
