//! The Rust files cut into parts, and the threads that emit and print them.
//!
//! A part is a few types or methods of one file, emitted and printed on its own, with its own
//! doc lines, so that the bytes of a file are its parts joined in order, whichever thread
//! printed each. Threads take parts as they come free. With a thread to spare, the client's
//! methods start before the rest: each run of operations is handed to that thread as soon as
//! lowering has finished it, while the rest of the spec is still being lowered, and the thread
//! takes parts like the others once the methods are done.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::Receiver;

use crate::diag::Diagnostic;
use crate::model::{Api, Operation};
use crate::{emit, print};

/// How many types (of `types.rs`, `deserialize.rs` or `serialize.rs`), or operations (of
/// `client.rs`), one part holds: small enough that the threads finish close together, large
/// enough that handing out parts costs nothing.
const TYPES_PER_PART: usize = 8;
pub(crate) const OPERATIONS_PER_PART: usize = 4;

/// A run of a file's items. A file is its parts in order, after its header; only its first
/// part has inner attributes.
pub(crate) struct Part<'a> {
    pub path: &'static str,
    /// Whether this is a run of the client's methods, which may have been printed already.
    methods: bool,
    emit: Box<dyn Fn(&emit::Docs) -> emit::Section + Send + Sync + 'a>,
}

impl<'a> Part<'a> {
    fn new(
        path: &'static str,
        emit: impl Fn(&emit::Docs) -> emit::Section + Send + Sync + 'a,
    ) -> Self {
        Self {
            path,
            methods: false,
            emit: Box::new(emit),
        }
    }

    /// A file's first part: its `//!` line, then the items that open it.
    fn head(
        path: &'static str,
        doc: &'static str,
        items: impl Fn(&emit::Docs) -> Vec<proc_macro2::TokenStream> + Send + Sync + 'a,
    ) -> Self {
        Self::new(path, move |docs| emit::Section {
            inner: docs.inner_attrs(&[doc.to_owned()]),
            items: items(docs).into_iter().map(emit::Piece::from).collect(),
        })
    }

    /// A run of the client's methods.
    fn methods(run: &'a [Operation]) -> Self {
        Self {
            methods: true,
            ..Self::new("src/client.rs", move |docs| methods_section(run, docs))
        }
    }

    fn print(&self) -> Result<String, Diagnostic> {
        print_section(|docs| (self.emit)(docs))
    }
}

fn methods_section(run: &[Operation], docs: &emit::Docs) -> emit::Section {
    emit::Section {
        items: emit::client_methods(run, docs),
        ..emit::Section::default()
    }
}

/// Emits a section with doc lines of its own, and prints it.
fn print_section(emit: impl FnOnce(&emit::Docs) -> emit::Section) -> Result<String, Diagnostic> {
    let docs = emit::Docs::default();
    let section = emit(&docs);
    print::section(section, &docs.into_lines())
}

/// The parts of the Rust files, by file and in order. Types and methods come in runs of a few,
/// because they are most of the work.
pub(crate) fn parts(api: &Api, with_examples: bool) -> Vec<Part<'_>> {
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
    parts.extend(
        api.operations
            .chunks(OPERATIONS_PER_PART)
            .map(Part::methods),
    );
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

/// The parts that threads take in turn, once lowering is done.
pub(crate) struct Queue<'p, 'a> {
    parts: &'p OnceLock<Vec<Part<'a>>>,
    next: AtomicUsize,
    /// Whether the runs of methods are printed apart, as lowering finishes them.
    methods_apart: AtomicBool,
}

/// What one thread printed: parts by their index, and runs of methods in order.
#[derive(Default)]
pub(crate) struct Printed {
    pub parts: Vec<(usize, Result<String, Diagnostic>)>,
    pub methods: Vec<Result<String, Diagnostic>>,
}

impl<'p, 'a> Queue<'p, 'a> {
    /// A queue of the parts that `parts` will hold once they are set.
    pub fn new(parts: &'p OnceLock<Vec<Part<'a>>>) -> Self {
        Self {
            parts,
            next: AtomicUsize::new(0),
            methods_apart: AtomicBool::new(false),
        }
    }

    /// Says whether a thread prints the runs of methods apart, before any thread takes parts.
    pub fn print_methods_apart(&self, apart: bool) {
        self.methods_apart.store(apart, Ordering::Relaxed);
    }

    /// Prints parts as they come free until none is left; none at all when the parts were
    /// never set, because lowering failed.
    pub fn work(&self) -> Printed {
        let mut printed = Printed::default();
        let Some(parts) = self.parts.get() else {
            return printed;
        };
        let methods_apart = self.methods_apart.load(Ordering::Relaxed);
        loop {
            let index = self.next.fetch_add(1, Ordering::Relaxed);
            let Some(part) = parts.get(index) else {
                return printed;
            };
            if !(part.methods && methods_apart) {
                printed.parts.push((index, part.print()));
            }
        }
    }

    /// Prints each run of operations that `runs` hands over, as lowering finishes them, then
    /// takes parts like any other thread once lowering is done and `runs` is closed.
    pub fn work_from(&self, runs: Receiver<Vec<Operation>>) -> Printed {
        let methods = runs
            .iter()
            .map(|run| print_section(|docs| methods_section(&run, docs)))
            .collect();
        Printed {
            methods,
            ..self.work()
        }
    }
}

/// The texts of `parts` in order, from what the threads printed.
pub(crate) fn in_order(
    parts: &[Part<'_>],
    printed: Vec<Printed>,
) -> Result<Vec<String>, Diagnostic> {
    let mut texts: Vec<Option<Result<String, Diagnostic>>> = parts.iter().map(|_| None).collect();
    let mut methods = Vec::new();
    for thread in printed {
        for (index, text) in thread.parts {
            texts[index] = Some(text);
        }
        methods.extend(thread.methods);
    }
    let mut methods = methods.into_iter();
    for (text, part) in texts.iter_mut().zip(parts) {
        if text.is_none() && part.methods {
            *text = methods.next();
        }
    }
    texts
        .into_iter()
        .map(|text| {
            text.unwrap_or_else(|| {
                Err(Diagnostic::error(
                    "",
                    "internal error: a part was not generated",
                ))
            })
        })
        .collect()
}
