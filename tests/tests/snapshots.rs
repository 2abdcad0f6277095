//! Snapshots of what the generator writes: every file for `spec/`, and for each fixture (one
//! small spec per construct) the files that depend on the spec, with its warnings.

use codegen_tests::{read, root, settings};

fn snapshot_settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path(root().join("tests/snapshots"));
    s.set_prepend_module_to_snapshot(false);
    s
}

/// Every file generated for `spec/`, each under its own snapshot.
#[test]
fn spec() {
    let output = generator::generate(
        &read("spec/openapi.yaml"),
        &settings("authlete", "spec/openapi.yaml"),
    )
    .unwrap_or_else(|d| panic!("{d:?}"));
    assert!(output.warnings.is_empty(), "{:?}", output.warnings);
    snapshot_settings().bind(|| {
        for file in &output.files {
            insta::assert_snapshot!(
                format!("spec__{}", file.path.replace('/', "__")),
                &file.contents
            );
        }
    });
}

/// The spec-dependent files of a fixture, and its warnings, in one snapshot.
fn fixture(name: &str) {
    let source = format!("tests/fixtures/{name}.yaml");
    let output = generator::generate(&read(&source), &settings(name, &source))
        .unwrap_or_else(|d| panic!("{d:#?}"));
    let mut text = String::new();
    for warning in output.warnings.iter() {
        text.push_str(&format!("{}\n", warning.display(&source)));
    }
    // Every Rust file but the copies of `templates/` (whose `lib.rs` is not copied), so that a
    // new generated file is in the snapshot without anyone remembering to add it.
    let copied: Vec<String> = std::fs::read_dir(root().join("templates/src"))
        .unwrap_or_else(|e| panic!("cannot list templates/src: {e}"))
        .map(|entry| format!("src/{}", entry.unwrap().file_name().to_string_lossy()))
        .filter(|path| path != "src/lib.rs")
        .collect();
    for file in &output.files {
        let spec_dependent = file.path.ends_with(".rs") && !copied.contains(&file.path);
        if spec_dependent {
            text.push_str(&format!("\n==> {} <==\n{}", file.path, file.contents));
        }
    }
    snapshot_settings().bind(|| insta::assert_snapshot!(format!("fixture__{name}"), text));
}

macro_rules! fixtures {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                fixture(stringify!($name));
            }
        )*

        /// Every fixture file has a test above, so that none is forgotten.
        #[test]
        fn every_fixture_has_a_snapshot_test() {
            let mut listed = vec![$(stringify!($name)),*];
            listed.sort_unstable();
            assert_eq!(listed, codegen_tests::fixture_names());
        }
    };
}

fixtures!(
    additional,
    array,
    collisions,
    deep,
    descriptions,
    enum_values,
    enumeration,
    keywords,
    large,
    nested,
    object,
    odd_names,
    recursion,
    reference,
    required_optional,
    std_names,
);
