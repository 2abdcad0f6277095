//! Turns an OpenAPI 3.0 description into the files of a Rust client crate.
//!
//! [`generate`] is the whole of it: spec text and [`Settings`] in, [`Output`] out. It reads and
//! writes no file itself. Inside, the steps are apart: `load` reads the spec, `lower` builds the
//! model (and owns every name, through `naming`), `emit` turns the model into tokens, and
//! `print` turns tokens into text.

mod diag;
mod docs;
mod emit;
mod load;
mod locate;
mod lower;
mod model;
mod naming;
mod print;
mod surface;

use std::collections::BTreeSet;
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};

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
        let thread = std::thread::Builder::new()
            .name("generator".to_owned())
            .stack_size(STACK)
            .spawn_scoped(scope, work)
            .map_err(|e| {
                Diagnostic::error("", format!("cannot start the generator's thread: {e}"))
            })?;
        thread.join().map_err(internal_failure)
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
    let spec = load::load(text, jobs)?;
    let mut diags = Diagnostics::default();
    let api = lower::lower(&spec, &settings.selection, &mut diags);
    if diags.has_errors() {
        diags.locate_in(text);
        return Err(diags);
    }

    let provenance = format!(
        "{GENERATED_MARKER} by `{}` from {}.\nDo not edit by hand: change the spec or the \
         generator, then run the command again.",
        settings.command, settings.source
    );
    let header = print::header(&provenance);
    let with_examples = settings.example_tests && !api.examples.is_empty();
    let parts = parts(&api, with_examples);
    // What the files do not need is done beside them rather than before or after: placing the
    // warnings in the spec's text, listing the surface, and freeing the spec.
    let aside = || {
        diags.locate_in(text);
        drop(spec);
        surface::listing(&api)
    };
    let (printed, surface) = std::thread::scope(|scope| {
        let aside = std::thread::Builder::new()
            .name("generator-aside".to_owned())
            .stack_size(STACK)
            .spawn_scoped(scope, aside)
            .map_err(|e| {
                Diagnostic::error("", format!("cannot start the generator's thread: {e}"))
            })?;
        let printed = in_parallel(parts.len(), jobs, |index| {
            let docs = emit::Docs::default();
            let section = (parts[index].emit)(&docs);
            print::section(section, &docs.into_lines())
        })?;
        let surface = aside.join().map_err(internal_failure)?;
        Ok::<_, Diagnostic>((printed, surface))
    })?;
    let printed = printed
        .into_iter()
        .collect::<Result<Vec<String>, Diagnostic>>()?;
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
        &api,
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

/// How many types (of `types.rs`, `deserialize.rs` or `serialize.rs`), or operations (of `client.rs`), one part
/// holds: small enough that the threads finish close together, large enough that handing out
/// parts costs nothing.
const TYPES_PER_PART: usize = 8;
const OPERATIONS_PER_PART: usize = 4;

/// A run of a file's items, emitted and printed on whichever thread takes it. A file is its
/// parts in order, after its header; only its first part has inner attributes.
struct Part<'a> {
    path: &'static str,
    emit: Box<dyn Fn(&emit::Docs) -> emit::Section + Sync + 'a>,
}

impl<'a> Part<'a> {
    fn new(path: &'static str, emit: impl Fn(&emit::Docs) -> emit::Section + Sync + 'a) -> Self {
        Self {
            path,
            emit: Box::new(emit),
        }
    }

    /// A file's first part: its `//!` line, then the items that open it.
    fn head(
        path: &'static str,
        doc: &'static str,
        items: impl Fn(&emit::Docs) -> Vec<proc_macro2::TokenStream> + Sync + 'a,
    ) -> Self {
        Self::new(path, move |docs| emit::Section {
            inner: docs.inner_attrs(&[doc.to_owned()]),
            items: items(docs).into_iter().map(emit::Piece::from).collect(),
        })
    }
}

/// The parts of the Rust files, by file and in order. Types and methods come in runs of a few,
/// because they are most of the work.
fn parts(api: &model::Api, with_examples: bool) -> Vec<Part<'_>> {
    let mut parts = vec![
        Part::new("src/lib.rs", move |docs| {
            emit::lib_file(api, with_examples, docs)
        }),
        Part::head(
            "src/client.rs",
            "One method of [`Client`](crate::Client) per operation of the API.",
            |docs| emit::client_head(api, docs),
        ),
    ];
    for run in api.operations.chunks(OPERATIONS_PER_PART) {
        parts.push(Part::new("src/client.rs", move |docs| emit::Section {
            items: emit::client_methods(run, docs),
            ..emit::Section::default()
        }));
    }
    if with_examples {
        parts.push(Part::new("src/examples.rs", |docs| {
            emit::example_tests(api, docs)
        }));
    }
    if emit::has_structs(api) {
        parts.push(Part::head(
            "src/deserialize.rs",
            "`Deserialize` for the structs of [`types`](crate::types), written out.",
            |_| emit::deserialize_head(api),
        ));
        for run in api.types.chunks(TYPES_PER_PART) {
            parts.push(Part::new("src/deserialize.rs", move |_| emit::Section {
                items: emit::deserialize_file(run),
                ..emit::Section::default()
            }));
        }
        parts.push(Part::head(
            "src/serialize.rs",
            "`Serialize` for the structs of [`types`](crate::types), written out.",
            |_| emit::serialize_head(api),
        ));
        for run in api.types.chunks(TYPES_PER_PART) {
            parts.push(Part::new("src/serialize.rs", move |_| emit::Section {
                items: emit::serialize_file(run),
                ..emit::Section::default()
            }));
        }
    }
    parts.push(Part::head(
        "src/types.rs",
        "The request and response bodies of the API, and the enums in them.",
        |_| Vec::new(),
    ));
    for run in api.types.chunks(TYPES_PER_PART) {
        parts.push(Part::new("src/types.rs", move |docs| emit::Section {
            items: emit::types_file(run, docs),
            ..emit::Section::default()
        }));
    }
    parts
}

/// Runs `job` for each index below `count` on up to `threads` threads, this one among them.
/// Each thread takes the next index when it finishes one, so that the threads stay busy
/// however unequal the jobs; the results come back in index order, whichever thread ran them.
fn in_parallel<T: Send>(
    count: usize,
    threads: usize,
    job: impl Fn(usize) -> T + Sync,
) -> Result<Vec<T>, Diagnostic> {
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            if index >= count {
                return done;
            }
            done.push((index, job(index)));
        }
    };
    std::thread::scope(|scope| {
        // A helper that cannot start leaves its share to the others.
        let helpers: Vec<_> = (1..threads.min(count))
            .filter_map(|n| {
                std::thread::Builder::new()
                    .name(format!("generator-{n}"))
                    .stack_size(STACK)
                    .spawn_scoped(scope, work)
                    .ok()
            })
            .collect();
        let mut results: Vec<Option<T>> = std::iter::repeat_with(|| None).take(count).collect();
        let mut keep = |done: Vec<(usize, T)>| {
            for (index, result) in done {
                results[index] = Some(result);
            }
        };
        keep(work());
        for helper in helpers {
            keep(helper.join().map_err(internal_failure)?);
        }
        results
            .into_iter()
            .collect::<Option<Vec<T>>>()
            .ok_or_else(|| Diagnostic::error("", "internal error: a part was not generated"))
    })
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
