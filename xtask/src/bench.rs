//! `cargo xtask bench`: how fast this project generates, how much memory it takes and how heavy
//! its output is to compile, against progenitor, OpenAPI Generator and the floor of parsing
//! alone, in one table printed and written as Markdown and JSON.
//!
//! Every measurement is of a whole process, the release build of this binary for this project,
//! so that start-up, reading and writing count for every tool alike. `--smoke` runs only this
//! project, once per spec, and installs nothing, for CI.

mod adapt;
mod compile;
mod measure;
mod report;
mod synth;
mod tools;

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, SystemTime};

use serde_json::{Value as Json, json};

use measure::{Job, Measured, Plan, Turn, measure_in_turns, remove_dir};
use report::{Report, Row, Status, Value};
use tools::{Kind, Tool};

/// The full spec, relative to the workspace root.
const DEFAULT_FULL_SPEC: &str = "../shared/specs/authlete-3.0.16.yaml";
/// The spec of this repository, relative to the workspace root.
const OWN_SPEC: &str = "spec/openapi.yaml";
/// The operation counts of the scaling rows.
const SCALING: [usize; 4] = [1, 10, 100, 1000];
/// The synthetic spec that `--smoke` uses.
const SMOKE_OPERATIONS: usize = 10;

/// The limits that the table marks as met or missed.
const FLOOR_LIMIT: f64 = 2.0;
const PROGENITOR_SPEEDUP: f64 = 5.0;
const CHECK_SHARE: f64 = 0.5;
const SCALING_LIMIT: f64 = 12.0;

struct Options {
    smoke: bool,
    out: Option<PathBuf>,
    full_spec: PathBuf,
    /// Timed generation runs of this project and of the floor, which take turns.
    own_runs: usize,
    /// Timed runs of progenitor, and of every compile.
    runs: usize,
    /// Timed runs of OpenAPI Generator, generating and compiling.
    slow_runs: usize,
    synthetic: usize,
    cache: Option<PathBuf>,
    compile: bool,
}

/// Runs `cargo xtask bench` with `args`; `usage` is printed when they are wrong.
pub fn run(args: &[String], usage: &str) -> ExitCode {
    let options = match parse(args) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("error: {message}\n\n{usage}");
            return ExitCode::from(2);
        }
    };
    match bench(&options) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// `cargo xtask parse-floor SPEC`: reads the spec into `openapiv3` types with the parser alone
/// (`serde_yaml`, or `serde_json` for JSON) and exits, so that the benchmark can time the floor
/// under generation as a whole process too.
pub fn parse_floor(args: &[String]) -> ExitCode {
    let [spec] = args else {
        eprintln!("error: parse-floor takes one argument, the spec");
        return ExitCode::from(2);
    };
    let text = match fs::read_to_string(spec) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("error: cannot read the spec `{spec}`\n  caused by: {e}");
            return ExitCode::FAILURE;
        }
    };
    match generator::parse_only(&text) {
        Ok(()) => ExitCode::SUCCESS,
        Err(diagnostic) => {
            eprintln!("{}", diagnostic.display(spec));
            ExitCode::FAILURE
        }
    }
}

fn workspace_root() -> PathBuf {
    let xtask = Path::new(env!("CARGO_MANIFEST_DIR"));
    xtask.parent().unwrap_or(xtask).to_path_buf()
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        smoke: false,
        out: None,
        full_spec: workspace_root().join(DEFAULT_FULL_SPEC),
        own_runs: 11,
        runs: 5,
        slow_runs: 3,
        synthetic: 2000,
        cache: None,
        compile: true,
    };
    let count = |arg: &str, value: &str| -> Result<usize, String> {
        match value.parse::<usize>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(format!(
                "`{arg}` needs a whole number above zero, not `{value}`"
            )),
        }
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .cloned()
                .ok_or_else(|| format!("`{arg}` needs a value"))
        };
        match arg.as_str() {
            "--smoke" => options.smoke = true,
            "--no-compile" => options.compile = false,
            "--out" => options.out = Some(PathBuf::from(value()?)),
            "--full-spec" => options.full_spec = PathBuf::from(value()?),
            "--cache" => options.cache = Some(PathBuf::from(value()?)),
            "--own-runs" => options.own_runs = count(arg, &value()?)?,
            "--runs" => options.runs = count(arg, &value()?)?,
            "--slow-runs" => options.slow_runs = count(arg, &value()?)?,
            "--synthetic-operations" => options.synthetic = count(arg, &value()?)?,
            other => return Err(format!("unknown option `{other}`")),
        }
    }
    Ok(options)
}

/// One spec of the benchmark.
#[derive(Clone)]
struct Spec {
    /// Its name in the table.
    name: String,
    path: PathBuf,
    /// What it is, for the JSON.
    about: String,
    /// Whether every tool generates it; the others are only for scaling and compiling.
    main: bool,
}

impl Spec {
    /// A name that is safe as one component of a path.
    fn slug(&self) -> String {
        self.name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect()
    }
}

/// A peer that could not be installed, with why.
struct Missing {
    kind: Kind,
    name: String,
    why: String,
}

type Slot = Result<Tool, Missing>;

fn slot_name(slot: &Slot) -> &str {
    match slot {
        Ok(tool) => &tool.name,
        Err(missing) => &missing.name,
    }
}

fn slot_kind(slot: &Slot) -> Kind {
    match slot {
        Ok(tool) => tool.kind,
        Err(missing) => missing.kind,
    }
}

/// Where the benchmark keeps things, and with what it builds.
struct Places {
    root: PathBuf,
    cargo: OsString,
    xtask: PathBuf,
    /// Tool output, synthetic specs and logs, under the target directory.
    work: PathBuf,
    report: PathBuf,
}

impl Places {
    /// `path` relative to the workspace root, where it is inside it, for messages and the table.
    fn shown(&self, path: &Path) -> String {
        let path = path.strip_prefix(&self.root).unwrap_or(path);
        path.to_string_lossy().replace('\\', "/")
    }
}

fn bench(options: &Options) -> Result<ExitCode, String> {
    let root = workspace_root();
    if !options.smoke && !options.full_spec.is_file() {
        return Err(format!(
            "the full spec `{}` does not exist; pass `--full-spec PATH` to name it, or run \
             `cargo xtask bench --smoke`, which does without it",
            options.full_spec.display()
        ));
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let target = target_directory(&cargo, &root)?;
    eprintln!("bench: building the release xtask");
    let work = target.join("bench").join("work");
    // A copy, so that a build of the workspace during the benchmark does not swap the binary
    // between the runs that are compared.
    let built = release_xtask(&cargo, &root)?;
    let xtask = work
        .join("bin")
        .join(built.file_name().unwrap_or("xtask".as_ref()));
    fs::create_dir_all(work.join("bin"))
        .and_then(|()| fs::copy(&built, &xtask))
        .map_err(|e| {
            format!(
                "cannot copy {} into {}: {e}",
                built.display(),
                work.display()
            )
        })?;
    let places = Places {
        root,
        cargo,
        xtask,
        work,
        report: options.out.clone().unwrap_or_else(|| target.join("bench")),
    };

    let mut tools: Vec<Slot> = vec![
        Ok(Tool::ours(&places.xtask)),
        Ok(Tool::floor(&places.xtask)),
    ];
    if !options.smoke {
        let cache = match &options.cache {
            Some(cache) => cache.clone(),
            None => default_cache()?,
        };
        tools.push(
            tools::progenitor(&cache, &places.cargo).map_err(|why| Missing {
                kind: Kind::Progenitor,
                name: format!("progenitor {}", tools::PROGENITOR_VERSION),
                why,
            }),
        );
        tools.push(tools::openapi_generator(&cache).map_err(|why| Missing {
            kind: Kind::OpenApiGenerator,
            name: format!("OpenAPI Generator {}", tools::OPENAPI_GENERATOR_VERSION),
            why,
        }));
    }

    let specs = write_specs(options, &places)?;
    let load_before = load_average();
    let mut bench = Bench {
        options,
        places: &places,
        rows: Vec::new(),
        ours_failed: false,
        medians: BTreeMap::new(),
        checks: BTreeMap::new(),
    };
    for spec in specs.iter().filter(|s| s.main) {
        bench.generation(spec, &tools);
    }
    if !options.smoke && options.compile {
        // The full spec, and the part of it that progenitor can generate, so that compile
        // costs compare the same operations.
        let compiled = specs
            .iter()
            .filter(|s| s.path == options.full_spec || s.name == subset_name(&options.full_spec));
        for spec in compiled {
            for tool in tools.iter().flatten().filter(|t| t.makes_crate()) {
                bench.compile(spec, tool);
            }
        }
    }
    if !options.smoke {
        bench.scaling(&specs);
    }
    let rerun_spec = match options.smoke {
        true => specs.iter().find(|s| s.name == OWN_SPEC),
        false => specs.iter().find(|s| s.path == options.full_spec),
    };
    let written = rerun_spec.and_then(|spec| bench.rerun(spec));
    bench.targets(&specs, &tools, rerun_spec, written);
    bench.ratios();

    let load = [load_before, load_average()];
    let mut settings = settings(options, &specs, &tools, &places);
    settings["load_average"] = json!({"start": load[0], "end": load[1]});
    let report = Report {
        title: format!(
            "cargo xtask bench{}",
            if options.smoke { " --smoke" } else { "" }
        ),
        preamble: preamble(options, &load),
        settings,
        rows: bench.rows,
    };
    write_report(&report, &places)?;
    Ok(if bench.ours_failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// The user's cache directory for the peers, outside any repository.
fn default_cache() -> Result<PathBuf, String> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .ok_or("cannot find a cache directory for the peers: set HOME or pass `--cache DIR`")?;
    Ok(base.join("openapi-codegen-bench"))
}

fn target_directory(cargo: &OsString, root: &Path) -> Result<PathBuf, String> {
    let output = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .current_dir(root)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
    if !output.status.success() {
        return Err(format!("cargo metadata failed with {}", output.status));
    }
    let metadata: Json = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("cannot read the output of cargo metadata: {e}"))?;
    metadata["target_directory"]
        .as_str()
        .map(PathBuf::from)
        .ok_or_else(|| "cargo metadata names no target directory".to_owned())
}

/// Builds this binary in release mode, and says where it is.
fn release_xtask(cargo: &OsString, root: &Path) -> Result<PathBuf, String> {
    let output = Command::new(cargo)
        .args(["build", "--release", "--package", "xtask"])
        .args(["--bin", "xtask", "--message-format", "json"])
        .current_dir(root)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo build: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "the release build of xtask failed with {}",
            output.status
        ));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    text.lines()
        .filter_map(|line| serde_json::from_str::<Json>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "xtask")
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .ok_or_else(|| "the release build of xtask made no executable".to_owned())
}

fn synthetic_name(operations: usize) -> String {
    format!("synthetic-{operations}")
}

/// The name of the full spec in the table.
fn full_name(full_spec: &Path) -> String {
    full_spec
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "full spec".to_owned())
}

/// The name of the part of the full spec that progenitor can generate.
fn subset_name(full_spec: &Path) -> String {
    format!("{}, progenitor's subset", full_name(full_spec))
}

/// Writes the part of the full spec that progenitor can generate into `dir`.
fn write_subset(full_spec: &Path, dir: &Path) -> Result<Spec, String> {
    let text = fs::read_to_string(full_spec)
        .map_err(|e| format!("cannot read {}: {e}", full_spec.display()))?;
    let spec = generator::spec_json(&text)
        .map_err(|d| d.display(&full_spec.display().to_string()).to_string())?;
    let (subset, left_out) = adapt::progenitor_subset(&spec);
    let path = dir.join("progenitor-subset.json");
    let json = serde_json::to_string_pretty(&subset)
        .map_err(|e| format!("cannot write the subset of the full spec: {e}"))?;
    fs::write(&path, json).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(Spec {
        name: subset_name(full_spec),
        path,
        about: format!(
            "the full spec with JSON request bodies only, and without the {} operations that \
             progenitor cannot take: {}",
            left_out.len(),
            left_out.join(", ")
        ),
        main: true,
    })
}

/// The specs of the run, with the derived ones written into the scratch directory: this
/// repository's spec, the full spec, the part of it that progenitor can take and the large
/// synthetic one for every tool, then the synthetic ones for scaling; `--smoke` has this
/// repository's spec and a tiny synthetic one.
fn write_specs(options: &Options, places: &Places) -> Result<Vec<Spec>, String> {
    let dir = places.work.join("specs");
    fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let synthetic = |operations: usize, main: bool| -> Result<Spec, String> {
        let name = synthetic_name(operations);
        let path = dir.join(format!("{name}.yaml"));
        let text = synth::spec(operations);
        fs::write(&path, &text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        Ok(Spec {
            name,
            path,
            about: format!(
                "synthetic: {operations} operations, {} schemas",
                synth::schema_count(operations)
            ),
            main,
        })
    };
    let own = Spec {
        name: OWN_SPEC.to_owned(),
        path: places.root.join(OWN_SPEC),
        about: "this repository's spec".to_owned(),
        main: true,
    };
    if options.smoke {
        return Ok(vec![own, synthetic(SMOKE_OPERATIONS, true)?]);
    }
    let full = Spec {
        name: full_name(&options.full_spec),
        path: options.full_spec.clone(),
        about: "the full published spec".to_owned(),
        main: true,
    };
    let subset = write_subset(&options.full_spec, &dir)?;
    let mut specs = vec![own, full, subset, synthetic(options.synthetic, true)?];
    for n in SCALING {
        if !specs.iter().any(|s| s.name == synthetic_name(n)) {
            specs.push(synthetic(n, false)?);
        }
    }
    Ok(specs)
}

/// The state of one run of the benchmark.
struct Bench<'a> {
    options: &'a Options,
    places: &'a Places,
    rows: Vec<Row>,
    /// Whether this project's tool failed anywhere, which fails the command.
    ours_failed: bool,
    /// The median generation time by tool slug (or `scaling`) and spec name.
    medians: BTreeMap<(&'static str, String), Duration>,
    /// The median crate-only `cargo check`, or why there is none, by tool slug and spec name.
    checks: BTreeMap<(&'static str, String), Result<Duration, String>>,
}

impl Bench<'_> {
    fn plan(&self, kind: Kind) -> Plan {
        let runs = match kind {
            Kind::Ours | Kind::Floor => self.options.own_runs,
            Kind::Progenitor => self.options.runs,
            Kind::OpenApiGenerator => self.options.slow_runs,
        };
        match self.options.smoke {
            true => Plan {
                warmups: 0,
                runs: 1,
                memory: true,
            },
            false => Plan {
                warmups: 1,
                runs,
                memory: true,
            },
        }
    }

    fn output_dir(&self, tool: &Tool, spec: &Spec) -> PathBuf {
        self.places
            .work
            .join("out")
            .join(tool.slug)
            .join(spec.slug())
    }

    /// Generates `spec` with `tool` as `plan` says, from an empty output directory each time.
    fn generate(&self, tool: &Tool, spec: &Spec, plan: Plan) -> Result<Measured, String> {
        self.generate_in_turns(&[tool], spec, plan).remove(0)
    }

    /// Generates `spec` with each of `tools` as `plan` says, one run of each in turn.
    fn generate_in_turns(
        &self,
        tools: &[&Tool],
        spec: &Spec,
        plan: Plan,
    ) -> Vec<Result<Measured, String>> {
        let log = |tool: &Tool| {
            let logs = self.places.work.join("logs");
            logs.join(tool.slug).join(spec.slug())
        };
        let outs: Vec<PathBuf> = tools.iter().map(|t| self.output_dir(t, spec)).collect();
        let jobs: Vec<Job> = tools
            .iter()
            .zip(&outs)
            .map(|(tool, out)| tool.job(&spec.path, out, log(tool)))
            .collect();
        let mut cleaners: Vec<_> = outs.iter().map(|out| move || remove_dir(out)).collect();
        let mut turns: Vec<Turn<'_, '_>> = jobs
            .iter()
            .zip(&mut cleaners)
            .map(|(job, clean)| (job, clean as &mut dyn FnMut() -> Result<(), String>))
            .collect();
        measure_in_turns(&mut turns, plan)
    }

    /// The lines of `tool`'s output for `spec`.
    fn lines_row(&self, tool: &Tool, spec: &Spec) -> Row {
        let measure = "generated code";
        match compile::rust_lines(&self.output_dir(tool, spec)) {
            Ok(n) => Row::new(measure, &spec.name, &tool.name, Value::Lines(n)).note(".rs files"),
            Err(e) => Row::failed(
                measure,
                &spec.name,
                &tool.name,
                &format!("cannot count the lines: {e}"),
            ),
        }
    }

    /// Generation time, peak memory and lines of output of every tool on `spec`.
    fn generation(&mut self, spec: &Spec, tools: &[Slot]) {
        let (mut times, mut memory, mut lines) = (Vec::new(), Vec::new(), Vec::new());
        // This project and the floor take turns, run by run, so that their ratio, the closest
        // of the targets, does not depend on what else the machine did while one of them ran.
        let paired: Vec<&Tool> = tools
            .iter()
            .flatten()
            .filter(|t| matches!(t.kind, Kind::Ours | Kind::Floor))
            .collect();
        let plan = self.plan(Kind::Ours);
        if !paired.is_empty() {
            let names: Vec<&str> = paired.iter().map(|t| t.name.as_str()).collect();
            eprintln!(
                "bench: {} on {}, in turns ({} run(s) each after {} warm-up)",
                names.join(" and "),
                spec.name,
                plan.runs,
                plan.warmups
            );
        }
        let mut in_turns: BTreeMap<&str, Result<Measured, String>> = paired
            .iter()
            .map(|t| t.slug)
            .zip(self.generate_in_turns(&paired, spec, plan))
            .collect();
        for slot in tools {
            let tool = match slot {
                Ok(tool) => tool,
                Err(missing) => {
                    let row = Row::failed("generation time", &spec.name, &missing.name, "");
                    times.push(row.note(missing.why.clone()));
                    continue;
                }
            };
            let plan = self.plan(tool.kind);
            let measured = match in_turns.remove(tool.slug) {
                Some(measured) => measured,
                None => {
                    eprintln!(
                        "bench: {} on {} ({} run(s) after {} warm-up)",
                        tool.name, spec.name, plan.runs, plan.warmups
                    );
                    self.generate(tool, spec, plan)
                }
            };
            match measured {
                Ok(m) => {
                    let row = Row::new("generation time", &spec.name, &tool.name, time(&m));
                    times.push(row.note(runs_note(plan)));
                    let peak = m.peak_memory.map(Value::Bytes).unwrap_or(Value::None);
                    let row = Row::new("peak memory", &spec.name, &tool.name, peak);
                    let single = plan.warmups == 0 && plan.runs == 1;
                    memory.push(match m.peak_memory {
                        Some(_) if single => row.note("max RSS of that run"),
                        Some(_) => row.note("max RSS, in a run of its own"),
                        None => row.note("not measured: /usr/bin/time is not installed"),
                    });
                    self.medians
                        .insert((tool.slug, spec.name.clone()), m.median());
                    if tool.makes_crate() {
                        lines.push(self.lines_row(tool, spec));
                    }
                }
                Err(why) => {
                    if matches!(tool.kind, Kind::Ours | Kind::Floor) {
                        eprintln!("bench: {} failed on {}: {why}", tool.name, spec.name);
                        self.ours_failed = true;
                    }
                    times.push(Row::failed("generation time", &spec.name, &tool.name, &why));
                }
            }
        }
        self.rows.extend(times);
        self.rows.extend(memory);
        self.rows.extend(lines);
    }

    /// Crate-only `cargo check` and `cargo build` of `tool`'s output for `spec`, generating it
    /// first where no earlier section did.
    fn compile(&mut self, spec: &Spec, tool: &Tool) {
        const CHECK: &str = "cargo check (crate only)";
        const BUILD: &str = "cargo build (crate only)";
        let key = (tool.slug, spec.name.clone());
        let fail = |bench: &mut Self, why: String| {
            bench
                .rows
                .push(Row::failed(CHECK, &spec.name, &tool.name, &why));
            bench.checks.insert(key.clone(), Err(why));
        };
        if !spec.main {
            let once = Plan {
                warmups: 0,
                runs: 1,
                memory: false,
            };
            if let Err(why) = self.generate(tool, spec, once) {
                return fail(self, format!("no output to compile: {why}"));
            }
            self.rows.push(self.lines_row(tool, spec));
        } else if !self.medians.contains_key(&key) {
            return fail(self, "no output to compile: generation failed".to_owned());
        }
        let out = self.output_dir(tool, spec);
        let target = self.places.work.join("cargo-target").join(tool.slug);
        let logs = self.places.work.join("logs").join("compile");
        let logs = logs.join(tool.slug).join(spec.slug());
        let runs = match tool.kind {
            Kind::OpenApiGenerator => self.options.slow_runs,
            _ => self.options.runs,
        };
        eprintln!(
            "bench: compiling {}'s output for {} (its dependencies first, then {runs} run(s) \
             each of check and build)",
            tool.name, spec.name
        );
        match compile::cost(&self.places.cargo, &out, &target, &logs, runs) {
            Ok(cost) => {
                let note = format!("median of {runs}, not incremental, dependencies built");
                for (what, m) in [(CHECK, &cost.check), (BUILD, &cost.build)] {
                    let row = Row::new(what, &spec.name, &tool.name, time(m));
                    self.rows.push(row.note(note.clone()));
                }
                self.checks.insert(key, Ok(cost.check.median()));
            }
            Err(why) => {
                if tool.kind == Kind::Ours {
                    self.ours_failed = true;
                }
                fail(self, why);
            }
        }
    }

    /// This project's generation time for synthetic specs of growing size.
    fn scaling(&mut self, specs: &[Spec]) {
        let ours = Tool::ours(&self.places.xtask);
        let plan = Plan {
            memory: false,
            ..self.plan(Kind::Ours)
        };
        for n in SCALING {
            let Some(spec) = specs.iter().find(|s| s.name == synthetic_name(n)) else {
                continue;
            };
            eprintln!("bench: scaling, {n} operations");
            match self.generate(&ours, spec, plan) {
                Ok(m) => {
                    self.medians
                        .insert(("scaling", spec.name.clone()), m.median());
                    let row = Row::new("scaling", &spec.name, &ours.name, time(&m));
                    self.rows.push(row.note(runs_note(plan)));
                }
                Err(why) => {
                    self.ours_failed = true;
                    self.rows
                        .push(Row::failed("scaling", &spec.name, &ours.name, &why));
                }
            }
        }
    }

    /// Generates `spec` twice into the same directory and counts the files that the second
    /// run wrote, by what it printed and by their modification times; `None` if a run failed.
    fn rerun(&mut self, spec: &Spec) -> Option<u64> {
        const MEASURE: &str = "rerun, nothing changed";
        let ours = Tool::ours(&self.places.xtask);
        let out = self.places.work.join("rerun").join(spec.slug());
        let log = self
            .places
            .work
            .join("logs")
            .join("rerun")
            .join(spec.slug());
        let job = ours.job(&spec.path, &out, log);
        eprintln!("bench: running this project twice on {}", spec.name);
        let result = (|| -> Result<(u64, usize), String> {
            remove_dir(&out)?;
            job.run_once(false)?;
            let before = mtimes(&out)?;
            // Longer than any file system's timestamp step, so that a rewrite shows.
            std::thread::sleep(Duration::from_millis(20));
            job.run_once(false)?;
            let after = mtimes(&out)?;
            let printed = fs::read_to_string(job.stdout_path()).unwrap_or_default();
            let lines: Vec<&str> = printed.lines().filter(|l| !l.trim().is_empty()).collect();
            let said = lines.iter().filter(|l| !l.starts_with("unchanged")).count();
            let changed = after
                .iter()
                .filter(|(path, time)| before.get(*path) != Some(*time))
                .count();
            let removed = before.keys().filter(|p| !after.contains_key(*p)).count();
            Ok((said.max(changed + removed) as u64, lines.len()))
        })();
        match result {
            Ok((written, files)) => {
                let note = format!(
                    "second run into the same directory: {written} of {files} files written \
                     (by its output and by mtimes)"
                );
                let row = Row::new(MEASURE, &spec.name, &ours.name, Value::Count(written));
                self.rows.push(row.note(note));
                if written > 0 {
                    self.ours_failed = true;
                }
                Some(written)
            }
            Err(why) => {
                self.ours_failed = true;
                self.rows
                    .push(Row::failed(MEASURE, &spec.name, &ours.name, &why));
                None
            }
        }
    }

    fn median(&self, slug: &'static str, spec: &str) -> Option<Duration> {
        self.medians.get(&(slug, spec.to_owned())).copied()
    }

    /// The verdicts on the targets, from the numbers of this run.
    fn targets(
        &mut self,
        specs: &[Spec],
        tools: &[Slot],
        rerun_spec: Option<&Spec>,
        written: Option<u64>,
    ) {
        let smoke = self.options.smoke;
        let full = specs
            .iter()
            .find(|s| s.path == self.options.full_spec)
            .map(|s| s.name.clone())
            .unwrap_or_else(|| "full spec".to_owned());
        let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64();
        let mut targets = Vec::new();

        let what = format!("generation ≤ {FLOOR_LIMIT}× parse floor");
        let (ours, floor) = (self.median("ours", &full), self.median("floor", &full));
        targets.push(match (smoke, ours, floor) {
            (true, _, _) => Row::undecided(&full, &what, "--smoke runs no full spec"),
            (_, Some(ours), Some(floor)) => {
                let r = ratio(ours, floor);
                let note = "ours ÷ floor, whole process".to_owned();
                Row::target(&full, &what, Value::Ratio(r), r <= FLOOR_LIMIT, note)
            }
            _ => Row::undecided(&full, &what, "a run failed"),
        });

        let what = format!("≥ {PROGENITOR_SPEEDUP}× faster than progenitor");
        let progenitor = tools.iter().find(|t| slot_kind(t) == Kind::Progenitor);
        match progenitor {
            None => targets.push(Row::undecided("", &what, "--smoke runs no peers")),
            Some(Err(missing)) => targets.push(Row::undecided("", &what, &missing.why)),
            Some(Ok(_)) => {
                let before = targets.len();
                for spec in specs.iter().filter(|s| s.main) {
                    let ours = self.median("ours", &spec.name);
                    let peer = self.median("progenitor", &spec.name);
                    if let (Some(ours), Some(peer)) = (ours, peer) {
                        let r = ratio(peer, ours);
                        let note = "progenitor ÷ ours".to_owned();
                        let met = r >= PROGENITOR_SPEEDUP;
                        targets.push(Row::target(&spec.name, &what, Value::Ratio(r), met, note));
                    }
                }
                if targets.len() == before {
                    let why = "progenitor generated none of the specs";
                    targets.push(Row::undecided("", &what, why));
                }
            }
        }

        let what = format!("crate-only cargo check ≤ {CHECK_SHARE}× progenitor's");
        for (spec, what) in [
            (full.clone(), what.clone()),
            (
                subset_name(&self.options.full_spec),
                format!("{what}, same operations"),
            ),
        ] {
            let ours = self.checks.get(&("ours", spec.clone()));
            let peer = self.checks.get(&("progenitor", spec.clone()));
            let row = match (ours, peer) {
                (Some(Ok(ours)), Some(Ok(peer))) => {
                    let r = ratio(*ours, *peer);
                    let note = "ours ÷ progenitor".to_owned();
                    Row::target(&spec, &what, Value::Ratio(r), r <= CHECK_SHARE, note)
                }
                (Some(Err(_)), _) => Row::undecided(&spec, &what, "this project's output failed"),
                (_, Some(Err(why))) => {
                    Row::undecided(&spec, &what, &format!("progenitor's output: {why}"))
                }
                _ if smoke => Row::undecided(&spec, &what, "--smoke compiles nothing"),
                _ if !self.options.compile => Row::undecided(&spec, &what, "--no-compile"),
                _ => Row::undecided(&spec, &what, "progenitor is not installed"),
            };
            // When nothing is compiled, one row says so for both.
            if spec == full || (!smoke && self.options.compile) {
                targets.push(row);
            }
        }

        let what = format!("1000 operations ≤ {SCALING_LIMIT}× 100");
        let big = self.median("scaling", &synthetic_name(1000));
        let small = self.median("scaling", &synthetic_name(100));
        targets.push(match (smoke, big, small) {
            (true, _, _) => Row::undecided("synthetic", &what, "--smoke runs no scaling"),
            (_, Some(big), Some(small)) => {
                let r = ratio(big, small);
                let note = "time for 1000 ÷ time for 100".to_owned();
                Row::target(
                    "synthetic",
                    &what,
                    Value::Ratio(r),
                    r <= SCALING_LIMIT,
                    note,
                )
            }
            _ => Row::undecided("synthetic", &what, "a scaling run failed"),
        });

        let what = "rerun that changes nothing writes no file";
        let spec = rerun_spec.map(|s| s.name.clone()).unwrap_or_default();
        targets.push(match written {
            Some(n) => {
                let note = "files that the second run wrote".to_owned();
                Row::target(&spec, what, Value::Count(n), n == 0, note)
            }
            None => Row::undecided(&spec, what, "a run failed"),
        });
        self.rows.extend(targets);
    }

    /// Fills in, for every measured row of another tool, this project's value on the same
    /// measure and spec divided by that row's.
    fn ratios(&mut self) {
        let ours_name = Tool::ours(&self.places.xtask).name;
        let ours: BTreeMap<(String, String), f64> = self
            .rows
            .iter()
            .filter(|r| r.tool == ours_name && r.status == Status::Measured)
            .filter_map(|r| Some(((r.measure.clone(), r.spec.clone()), r.value.number()?)))
            .collect();
        for row in &mut self.rows {
            if row.tool == ours_name || row.status != Status::Measured {
                continue;
            }
            let key = (row.measure.clone(), row.spec.clone());
            if let (Some(o), Some(t)) = (ours.get(&key), row.value.number())
                && t > 0.0
            {
                row.ours_over_this = Some(o / t);
            }
        }
    }
}

/// The one-minute load average of the machine, where the system tells it: times measured
/// while other work runs are longer than the tools alone would take.
fn load_average() -> Option<f64> {
    let text = fs::read_to_string("/proc/loadavg").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

/// The lines above the table: how the numbers were taken.
fn preamble(options: &Options, load: &[Option<f64>; 2]) -> Vec<String> {
    let runs = match options.smoke {
        true => "from one run per tool and spec, without warm-up".to_owned(),
        false => format!(
            "medians of {} runs for this project and the floor, which take turns run by run, \
             {} for progenitor and {} for OpenAPI Generator, each after one warm-up; compiles \
             take {} runs ({} for OpenAPI Generator's output)",
            options.own_runs, options.runs, options.slow_runs, options.runs, options.slow_runs
        ),
    };
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let load = match load {
        [Some(start), Some(end)] => {
            format!("; load average {start:.2} at the start, {end:.2} at the end")
        }
        _ => String::new(),
    };
    vec![
        format!("Times are of the whole process, {runs}; {cpus} CPUs{load}."),
        "`ours ÷ this` is this project's value divided by the row's, on the same measure and \
         spec, from this run."
            .to_owned(),
    ]
}

fn time(m: &Measured) -> Value {
    Value::Time(m.median())
}

fn runs_note(plan: Plan) -> String {
    match (plan.warmups, plan.runs) {
        (0, 1) => "one run".to_owned(),
        (0, n) => format!("median of {n}"),
        (w, n) => format!("median of {n} after {w} warm-up"),
    }
}

/// The modification time of every file under `dir`, by path.
fn mtimes(dir: &Path) -> Result<BTreeMap<PathBuf, SystemTime>, String> {
    let mut found = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries =
            fs::read_dir(&dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
            let meta = entry
                .metadata()
                .map_err(|e| format!("cannot stat {}: {e}", entry.path().display()))?;
            if meta.is_dir() {
                pending.push(entry.path());
            } else if let Ok(time) = meta.modified() {
                found.insert(entry.path(), time);
            }
        }
    }
    Ok(found)
}

fn settings(options: &Options, specs: &[Spec], tools: &[Slot], places: &Places) -> Json {
    let specs: Vec<Json> = specs
        .iter()
        .map(|s| json!({"name": s.name, "about": s.about, "path": places.shown(&s.path)}))
        .collect();
    let tools: Vec<Json> = tools
        .iter()
        .map(|slot| match slot {
            Ok(_) => json!({"name": slot_name(slot), "installed": true}),
            Err(m) => json!({"name": m.name, "installed": false, "error": m.why}),
        })
        .collect();
    let (own_runs, runs, slow_runs, warmups) = match options.smoke {
        true => (1, 1, 1, 0),
        false => (options.own_runs, options.runs, options.slow_runs, 1),
    };
    json!({
        "mode": if options.smoke { "smoke" } else { "full" },
        "own_runs": own_runs,
        "runs": runs,
        "slow_runs": slow_runs,
        "warmups": warmups,
        "cpus": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        "specs": specs,
        "tools": tools,
    })
}

fn write_report(report: &Report, places: &Places) -> Result<(), String> {
    let markdown = report.markdown();
    println!("{markdown}");
    let dir = &places.report;
    fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let md = dir.join("bench.md");
    fs::write(&md, &markdown).map_err(|e| format!("cannot write {}: {e}", md.display()))?;
    let json = dir.join("bench.json");
    let text = serde_json::to_string_pretty(&report.json())
        .map_err(|e| format!("cannot write the JSON report: {e}"))?;
    fs::write(&json, text + "\n").map_err(|e| format!("cannot write {}: {e}", json.display()))?;
    eprintln!(
        "bench: wrote {} and {}",
        places.shown(&md),
        places.shown(&json)
    );
    Ok(())
}
