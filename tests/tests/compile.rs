//! Every fixture, and Authlete's whole published description, generated into one scratch
//! workspace and put through cargo: no rustc or clippy warning, no rustdoc warning, every
//! example's round-trip test passing, and the crate of `tests/prism-full` sending a sample of
//! the whole API's operations to Prism.

use std::path::{Path, PathBuf};
use std::process::Command;

use codegen_tests::{fixture_names, read, root, settings};

/// Authlete's whole description, from the workspace root.
const FULL_SPEC: &str = "../shared/specs/authlete-3.0.16.yaml";

/// Generates the crate for `spec` into `dir`, which must not exist yet.
fn generate_into(dir: &Path, crate_name: &str, spec: &str) {
    let output = generator::generate(&read(spec), &settings(crate_name, spec))
        .unwrap_or_else(|d| panic!("{spec}: {d:#?}"));
    for file in output.files {
        let path = dir.join(&file.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, file.contents).unwrap();
    }
}

/// Copies the files under `from` into `to`, which must not exist yet.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn cargo(workspace: &Path, prism: &Path, args: &[&str]) {
    let status = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(workspace)
        .env("CARGO_TARGET_DIR", root().join("target/scratch"))
        .env("PRISM", prism)
        .env("RUSTDOCFLAGS", "-D warnings")
        .env_remove("RUSTFLAGS")
        .status()
        .unwrap();
    assert!(
        status.success(),
        "`cargo {}` failed in {}",
        args.join(" "),
        workspace.display()
    );
}

#[test]
fn generated_crates_build_lint_document_and_pass_their_tests() {
    // Before minutes of building, so that a missing Prism fails at once.
    let prism = codegen_tests::find_prism();
    let workspace = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("generated-crates");
    if workspace.exists() {
        std::fs::remove_dir_all(&workspace).unwrap();
    }
    let mut members = Vec::new();
    for name in fixture_names() {
        let crate_name = format!("fixture-{}", name.replace('_', "-"));
        generate_into(
            &workspace.join(&crate_name),
            &crate_name,
            &format!("tests/fixtures/{name}.yaml"),
        );
        members.push(crate_name);
    }
    generate_into(&workspace.join("authlete-full"), "authlete-full", FULL_SPEC);
    members.push("authlete-full".to_owned());
    // Its manifest finds `authlete-full` beside it, and its test the spec beside the manifest.
    let sample = workspace.join("prism-full");
    copy_tree(&root().join("tests/prism-full"), &sample);
    std::fs::copy(root().join(FULL_SPEC), sample.join("openapi.yaml")).unwrap();
    members.push("prism-full".to_owned());

    let list: Vec<String> = members.iter().map(|m| format!("\"{m}\"")).collect();
    let manifest = format!(
        "[workspace]\nresolver = \"3\"\nmembers = [{}]\n",
        list.join(", ")
    );
    std::fs::write(workspace.join("Cargo.toml"), manifest).unwrap();
    // The same versions of every dependency as the generated crate of this workspace.
    std::fs::copy(root().join("Cargo.lock"), workspace.join("Cargo.lock")).unwrap();

    cargo(
        &workspace,
        &prism,
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--quiet",
            "--",
            "-D",
            "warnings",
        ],
    );
    cargo(
        &workspace,
        &prism,
        &["doc", "--workspace", "--no-deps", "--quiet"],
    );
    cargo(&workspace, &prism, &["test", "--workspace", "--quiet"]);
}
