//! Authlete's whole published description, as it is: what it generates, what it warns about,
//! and that the one operation of `spec/` comes out of it the same.

use std::collections::BTreeSet;

use codegen_tests::{read, root, settings};
use generator::{Output, Selection, Settings};

const FULL: &str = "../shared/specs/authlete-3.0.16.yaml";

fn generate(settings: &Settings) -> Output {
    generator::generate(&read(FULL), settings).unwrap_or_else(|d| panic!("{d:#?}"))
}

fn snapshot_settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path(root().join("tests/snapshots"));
    s.set_prepend_module_to_snapshot(false);
    s
}

/// The warnings are part of the contract: among them the examples that do not match their
/// schema, which the round-trip tests leave out.
#[test]
fn warnings_are_pinned() {
    let output = generate(&settings("authlete", FULL));
    let warnings: Vec<String> = output
        .warnings
        .iter()
        .map(|w| w.display(FULL).to_string())
        .collect();
    snapshot_settings().bind(|| insta::assert_snapshot!("full__warnings", warnings.join("\n")));
}

#[test]
fn public_surface_is_pinned() {
    let output = generate(&settings("authlete", FULL));
    snapshot_settings().bind(|| insta::assert_snapshot!("full__surface", output.surface));
}

#[test]
fn the_operation_of_spec_comes_out_of_the_full_spec_the_same() {
    let mut subset = settings("authlete", FULL);
    subset.selection = Selection::Only {
        operations: BTreeSet::from(["auth_token_fail_api".to_owned()]),
        tags: BTreeSet::new(),
    };
    let from_full = generate(&subset);
    let from_fragment =
        generator::generate(&read("spec/openapi.yaml"), &settings("authlete", "spec"))
            .unwrap_or_else(|d| panic!("{d:#?}"));
    assert_eq!(from_full.surface, from_fragment.surface);
    assert!(from_full.surface.contains("async fn auth_token_fail_api("));
}

#[test]
fn a_tag_selects_its_operations_and_only_the_schemas_they_reach() {
    let mut subset = settings("authlete", FULL);
    subset.selection = Selection::Only {
        operations: BTreeSet::new(),
        tags: BTreeSet::from(["Token Endpoint".to_owned()]),
    };
    let surface = generate(&subset).surface;
    let methods: Vec<&str> = surface
        .lines()
        .filter_map(|l| l.strip_prefix("async fn "))
        .map(|l| l.split('(').next().unwrap())
        .collect();
    assert_eq!(
        methods,
        [
            "auth_token_api",
            "auth_token_fail_api",
            "auth_token_fail_api_form",
            "auth_token_issue_api",
            "idtoken_reissue_api",
        ]
    );
    assert!(
        !surface.contains("struct Service "),
        "unreached schemas came along"
    );
}

#[test]
fn an_unknown_selection_is_an_error_that_suggests_the_closest() {
    let mut subset = settings("authlete", FULL);
    subset.selection = Selection::Only {
        operations: BTreeSet::from(["auth_token_fail".to_owned()]),
        tags: BTreeSet::from(["No Such Tag".to_owned()]),
    };
    let errors = generator::generate(&read(FULL), &subset).unwrap_err();
    let messages: Vec<String> = errors
        .iter()
        .filter(|d| d.severity == generator::Severity::Error)
        .map(|d| d.message.clone())
        .collect();
    assert_eq!(
        messages,
        [
            "no operation has the operationId `auth_token_fail`; did you mean `auth_token_fail_api`?",
            "no operation has the tag `No Such Tag`",
        ]
    );
}

/// The files are cut into parts that threads emit and print in any order; the output must not
/// depend on how many there are.
#[test]
fn the_output_is_the_same_on_any_number_of_threads() {
    let on = |threads: usize| {
        let mut settings = settings("authlete", FULL);
        settings.jobs = std::num::NonZeroUsize::new(threads);
        generate(&settings).files
    };
    let one = on(1);
    assert!(one.iter().any(|f| f.path == "src/types.rs"));
    for threads in [2, 3, 7] {
        assert!(
            on(threads) == one,
            "{threads} threads gave other files than one"
        );
    }
}
