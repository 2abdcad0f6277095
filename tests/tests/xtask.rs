//! `cargo xtask codegen` as a user meets it: what it prints, its exit status, and what it
//! leaves in the output directory, above all when the spec is bad.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use codegen_tests::root;

/// A scratch directory of the test's own, empty.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("xtask")
        .join(name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).unwrap();
    }
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// What one run printed, and how it ended.
struct Run {
    code: ExitCode,
    out: String,
    err: String,
}

fn codegen(args: &[&str]) -> Run {
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = xtask::codegen::run(&args, "usage", &mut out, &mut err);
    let run = Run {
        code,
        out: String::from_utf8(out).unwrap(),
        err: String::from_utf8(err).unwrap(),
    };
    for text in [&run.out, &run.err] {
        assert!(!text.contains("panicked"), "{text}");
        assert!(
            !text.contains("Diagnostic {"),
            "a Debug dump reached the user: {text}"
        );
    }
    run
}

/// Generates from `spec` (text) into `out`.
fn codegen_text(dir: &Path, spec: &str, out: &Path) -> Run {
    let path = dir.join("spec.yaml");
    std::fs::write(&path, spec).unwrap();
    codegen(&[
        "--spec",
        path.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--standalone",
    ])
}

/// Every file under `dir`, with its bytes.
fn contents(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        for entry in std::fs::read_dir(next).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.insert(
                    path.strip_prefix(dir).unwrap().to_path_buf(),
                    std::fs::read(&path).unwrap(),
                );
            }
        }
    }
    files
}

fn spec_text() -> String {
    std::fs::read_to_string(root().join("spec/openapi.yaml")).unwrap()
}

#[test]
fn a_second_run_changes_nothing_and_touches_nothing() {
    let dir = scratch("rerun");
    let out = dir.join("crate");
    let first = codegen_text(&dir, &spec_text(), &out);
    assert_eq!(first.code, ExitCode::SUCCESS, "{}", first.err);
    assert!(
        first.out.lines().all(|l| l.starts_with("written ")),
        "{}",
        first.out
    );
    let mtimes = |dir: &Path| -> Vec<_> {
        contents(dir)
            .keys()
            .map(|p| std::fs::metadata(dir.join(p)).unwrap().modified().unwrap())
            .collect()
    };
    let before = mtimes(&out);

    let second = codegen_text(&dir, &spec_text(), &out);
    assert_eq!(second.code, ExitCode::SUCCESS);
    assert!(
        second.out.lines().all(|l| l.starts_with("unchanged ")),
        "{}",
        second.out
    );
    assert_eq!(mtimes(&out), before);
}

#[test]
fn a_spec_with_errors_leaves_the_output_as_it_was() {
    let dir = scratch("failed-run");
    let out = dir.join("crate");
    assert_eq!(
        codegen_text(&dir, &spec_text(), &out).code,
        ExitCode::SUCCESS
    );
    let before = contents(&out);

    let broken = spec_text().replace(
        "$ref: '#/components/schemas/token_fail_response'",
        "$ref: '#/components/schemas/token_fail_respons'",
    );
    let run = codegen_text(&dir, &broken, &out);
    assert_eq!(run.code, ExitCode::FAILURE);
    assert!(
        run.err.contains("`$ref` to schema `token_fail_respons`, which does not exist; did you mean `token_fail_response`?"),
        "{}",
        run.err
    );
    assert!(run.err.contains("nothing was written"), "{}", run.err);
    assert_eq!(contents(&out), before);
}

#[test]
fn files_the_generator_did_not_write_are_never_touched() {
    let dir = scratch("foreign-files");
    let out = dir.join("crate");
    assert_eq!(
        codegen_text(&dir, &spec_text(), &out).code,
        ExitCode::SUCCESS
    );

    // A file of the user's beside the generated ones stays; a generated file the spec no
    // longer produces goes, and the run says so.
    std::fs::write(out.join("NOTES.md"), "mine").unwrap();
    let stale = std::fs::read_to_string(out.join("src/types.rs")).unwrap();
    std::fs::write(out.join("src/old.rs"), stale).unwrap();
    let run = codegen_text(&dir, &spec_text(), &out);
    assert_eq!(run.code, ExitCode::SUCCESS);
    assert!(run.out.contains("removed"), "{}", run.out);
    assert!(!out.join("src/old.rs").exists());
    assert_eq!(
        std::fs::read_to_string(out.join("NOTES.md")).unwrap(),
        "mine"
    );

    // A hand-written file where a generated one would go is refused, before anything is written.
    std::fs::write(out.join("src/types.rs"), "// mine\n").unwrap();
    let before = contents(&out);
    let run = codegen_text(
        &dir,
        &spec_text().replace("A service ID.", "The service ID."),
        &out,
    );
    assert_eq!(run.code, ExitCode::FAILURE);
    assert!(run.err.contains("refusing to overwrite"), "{}", run.err);
    assert_eq!(contents(&out), before);
}

#[test]
fn check_names_every_stale_file_and_writes_nothing() {
    let dir = scratch("check");
    let out = dir.join("crate");
    assert_eq!(
        codegen_text(&dir, &spec_text(), &out).code,
        ExitCode::SUCCESS
    );
    let spec = dir.join("spec.yaml");
    let args = [
        "--check",
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--standalone",
    ];
    assert_eq!(codegen(&args).code, ExitCode::SUCCESS);

    std::fs::write(
        &spec,
        spec_text().replace("A service ID.", "The service ID."),
    )
    .unwrap();
    let before = contents(&out);
    let run = codegen(&args);
    assert_eq!(run.code, ExitCode::FAILURE);
    assert!(run.err.contains("src/client.rs is stale"), "{}", run.err);
    assert_eq!(contents(&out), before);
}

#[test]
fn inputs_that_are_not_openapi_3_0_say_what_they_are() {
    let bomb = "\
openapi: 3.0.3
a: &a [x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
";
    let deep = format!(
        "openapi: 3.0.3\ninfo: {}\n",
        "{a: ".repeat(300) + &"}".repeat(300)
    );
    let cases = [
        ("", "the document is an empty document"),
        (
            "swagger: '2.0'\ninfo: {title: x, version: '1'}\npaths: {}\n",
            "Swagger 2.0 (OpenAPI 2) document",
        ),
        (
            "openapi: 3.1.0\ninfo: {title: x, version: '1'}\npaths: {}\n",
            "this is OpenAPI 3.1.0",
        ),
        (
            "$schema: https://json-schema.org/draft/2020-12/schema\ntype: object\n",
            "a JSON Schema",
        ),
        (
            "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n",
            "a Kubernetes manifest",
        ),
        (
            "openapi: 3.0.3\ninfo: [unclosed\n",
            "not valid YAML or JSON",
        ),
        (bomb, "not valid YAML or JSON"),
        (&deep, "recursion limit exceeded"),
        (
            "openapi: 3.0.3\ninfo: {title: x}\npaths: {}\n",
            "not a valid OpenAPI 3.0 document",
        ),
    ];
    for (i, (text, expected)) in cases.iter().enumerate() {
        let dir = scratch(&format!("not-openapi-{i}"));
        let run = codegen_text(&dir, text, &dir.join("crate"));
        assert_eq!(run.code, ExitCode::FAILURE, "case {i}");
        assert!(
            run.err.contains(expected),
            "case {i}: expected `{expected}` in {}",
            run.err
        );
        assert!(
            run.err.contains("spec.yaml"),
            "case {i}: the file is not named: {}",
            run.err
        );
        assert!(
            !dir.join("crate").exists(),
            "case {i}: something was written"
        );
    }
}

#[test]
fn every_error_of_a_run_is_reported_at_once_with_its_place() {
    let spec = "\
openapi: 3.0.3
info: {title: Broken, version: 1.0.0}
paths:
  /a/{id}:
    get:
      operationId: a
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/thng'}
  /b:
    get:
      operationId: b
      parameters:
        - {in: header, name: X-Trace, schema: {type: string}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                oneOf: [{type: string}, {type: integer}]
components:
  schemas:
    thing: {type: object, properties: {x: {type: string}}}
";
    let dir = scratch("many-errors");
    let run = codegen_text(&dir, spec, &dir.join("crate"));
    assert_eq!(run.code, ExitCode::FAILURE);
    let errors: Vec<&str> = run
        .err
        .lines()
        .filter(|l| l.starts_with("error: ") && l.contains(" at #/"))
        .collect();
    let expected = [
        (
            "spec.yaml:12:15 at #/paths/~1a~1{id}/get/responses/200/content/application~1json/schema",
            "did you mean `thing`?",
        ),
        (
            "spec.yaml:5:5 at #/paths/~1a~1{id}/get",
            "uses `{id}`, which no path parameter declares",
        ),
        (
            "spec.yaml:17:9 at #/paths/~1b/get/parameters/0",
            "header parameter `X-Trace` is not supported yet",
        ),
        (
            "spec.yaml:23:15 at #/paths/~1b/get/responses/200/content/application~1json/schema",
            "`oneOf` is not supported yet",
        ),
    ];
    assert_eq!(errors.len(), expected.len(), "{}", run.err);
    for (place, message) in expected {
        assert!(
            errors
                .iter()
                .any(|e| e.contains(place) && e.contains(message)),
            "no error at {place} saying {message}: {}",
            run.err
        );
    }
    assert!(
        run.err.contains("4 error(s); nothing was written"),
        "{}",
        run.err
    );
}

#[test]
fn usage_errors_exit_with_two() {
    let run = codegen(&["--frobnicate"]);
    assert_eq!(run.code, ExitCode::from(2));
    assert!(
        run.err.contains("unknown option `--frobnicate`"),
        "{}",
        run.err
    );
}
