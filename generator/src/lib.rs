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

pub use diag::{Diagnostic, Diagnostics, Severity};
pub use locate::{Locator, locate};

/// The spec-independent sources that every generated crate carries, hand-written in
/// `templates/`.
const TEMPLATES: [(&str, &str); 5] = [
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
const STACK: usize = 256 << 20;

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
        thread.join().map_err(|panic| {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Diagnostic::error(
                "",
                format!(
                    "internal error: the generator failed ({what}); please report it with the spec"
                ),
            )
        })
    })
}

fn generate_here(spec: &str, settings: &Settings) -> Result<Output, Diagnostics> {
    let text = spec;
    let spec = load::load(text)?;
    let mut diags = Diagnostics::default();
    let api = lower::lower(&spec, &settings.selection, &mut diags);
    diags.locate_in(text);
    if diags.has_errors() {
        return Err(diags);
    }

    let header = format!(
        "{GENERATED_MARKER} by `{}` from {}.\nDo not edit by hand: change the spec or the \
         generator, then run the command again.",
        settings.command, settings.source
    );
    let print = |path: &str, (inner, items)| -> Result<File, Diagnostic> {
        let contents = print::rust_file(&header, inner, items)?;
        Ok(File {
            path: path.to_owned(),
            contents,
        })
    };
    let module_doc = |line: &str| emit::inner_doc_attrs(&[line.to_owned()]);
    let types = || {
        let doc = module_doc("The request and response bodies of the API, and the enums in them.");
        print("src/types.rs", (doc, emit::types_file(&api)))
    };
    let with_examples = settings.example_tests && !api.examples.is_empty();

    // `types.rs` and `client.rs` are most of the work and independent of each other, so the
    // types are emitted and printed on a second thread. Token streams cannot cross threads,
    // so each thread builds its own.
    let mut files = std::thread::scope(|scope| -> Result<Vec<File>, Diagnostic> {
        let second = std::thread::Builder::new()
            .name("generator-types".to_owned())
            .stack_size(STACK)
            .spawn_scoped(scope, types);
        let mut files = vec![
            print("src/lib.rs", emit::lib_file(&api, with_examples))?,
            print(
                "src/client.rs",
                (
                    module_doc("One method of [`Client`](crate::Client) per operation of the API."),
                    emit::client_file(&api),
                ),
            )?,
        ];
        if with_examples {
            files.push(print("src/examples.rs", emit::example_tests(&api))?);
        }
        let types = match second {
            Ok(thread) => thread.join().map_err(|_| {
                Diagnostic::error("", "internal error: printing the types failed")
            })??,
            Err(_) => types()?,
        };
        files.push(types);
        Ok(files)
    })?;
    for (path, source) in TEMPLATES {
        let mut contents = String::new();
        for line in header.lines() {
            contents.push_str("// ");
            contents.push_str(line);
            contents.push('\n');
        }
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
    for line in header.lines() {
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
        surface: surface::listing(&api),
    })
}

/// Parses `spec` into `openapiv3` types and nothing more: the floor under [`generate`].
pub fn parse_only(spec: &str) -> Result<(), Diagnostic> {
    on_own_stack(|| load::load(spec).map(drop))?
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
