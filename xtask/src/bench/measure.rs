//! Running a child process and measuring it: wall time with `Instant` around the whole
//! process, and peak memory as the maximum resident set that the kernel reports for it.
//!
//! The peak memory comes from `/usr/bin/time`, which reads it from `wait4` and so covers the
//! children that the process waits for too (the JVM under OpenAPI Generator's launcher, say).
//! Wrapping a run costs a fork and an exec of its own, so timed runs are not wrapped: memory is
//! read from a run of its own, except in `--smoke`, where one wrapped run gives both.

use std::ffi::OsString;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The measurer of peak memory.
const TIME: &str = "/usr/bin/time";

/// How long an error message may be in the table.
const MESSAGE_WIDTH: usize = 100;

/// One command to run, with where its output goes.
#[derive(Clone, Debug)]
pub struct Job {
    pub program: PathBuf,
    pub args: Vec<OsString>,
    pub cwd: Option<PathBuf>,
    pub env: Vec<(String, OsString)>,
    /// Where the output of its last run is kept, as `LOG.out` and `LOG.err`.
    pub log: PathBuf,
    /// The start of the line that best explains a failure, for tools that print one.
    pub error_prefix: Option<&'static str>,
}

impl Job {
    pub fn new(program: impl Into<PathBuf>, log: impl Into<PathBuf>) -> Self {
        Self {
            program: program.into(),
            args: Vec::new(),
            cwd: None,
            env: Vec::new(),
            log: log.into(),
            error_prefix: None,
        }
    }

    pub fn arg(mut self, arg: impl Into<OsString>) -> Self {
        self.args.push(arg.into());
        self
    }

    pub fn args<I: IntoIterator<Item = A>, A: Into<OsString>>(mut self, args: I) -> Self {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    pub fn cwd(mut self, dir: impl Into<PathBuf>) -> Self {
        self.cwd = Some(dir.into());
        self
    }

    pub fn env(mut self, key: &str, value: impl Into<OsString>) -> Self {
        self.env.push((key.to_owned(), value.into()));
        self
    }

    pub fn stdout_path(&self) -> PathBuf {
        with_suffix(&self.log, ".out")
    }

    pub fn stderr_path(&self) -> PathBuf {
        with_suffix(&self.log, ".err")
    }

    /// The command, ready to spawn, with its output going to the log files.
    fn command(&self, measure_memory: Option<&Path>) -> io::Result<Command> {
        if let Some(dir) = self.log.parent() {
            fs::create_dir_all(dir)?;
        }
        let mut command = match measure_memory {
            Some(rss) => {
                let mut c = Command::new(TIME);
                c.arg("-f").arg("%M").arg("-o").arg(rss).arg(&self.program);
                c
            }
            None => Command::new(&self.program),
        };
        command
            .args(&self.args)
            .stdin(Stdio::null())
            .stdout(fs::File::create(self.stdout_path())?)
            .stderr(fs::File::create(self.stderr_path())?);
        if let Some(dir) = &self.cwd {
            command.current_dir(dir);
        }
        for (key, value) in &self.env {
            command.env(key, value);
        }
        Ok(command)
    }

    /// Runs once: its wall time, and its peak memory in bytes when asked for; a failure is the
    /// line of its output that best says why.
    pub fn run_once(&self, memory: bool) -> Result<(Duration, Option<u64>), String> {
        let rss_file = with_suffix(&self.log, ".rss");
        let mut command = self
            .command(memory.then_some(rss_file.as_path()))
            .map_err(|e| format!("cannot prepare the log {}: {e}", self.log.display()))?;
        let start = Instant::now();
        let status = command.status();
        let elapsed = start.elapsed();
        let status = status.map_err(|e| format!("cannot run {}: {e}", self.program.display()))?;
        if !status.success() {
            let why = self
                .failure()
                .unwrap_or_else(|| format!("exited with {status}"));
            return Err(why);
        }
        let rss = match memory {
            true => Some(read_rss(&rss_file)?),
            false => None,
        };
        Ok((elapsed, rss))
    }

    /// The line of the last run's output that says what went wrong, shortened for the table.
    pub fn failure(&self) -> Option<String> {
        let read = |p: PathBuf| fs::read_to_string(p).unwrap_or_default();
        let (out, err) = (read(self.stdout_path()), read(self.stderr_path()));
        let texts = [err.as_str(), out.as_str()];
        let prefixed = self.error_prefix.and_then(|prefix| {
            texts
                .iter()
                .flat_map(|t| t.lines())
                .find(|l| l.trim_start().starts_with(prefix))
        });
        if let Some(message) = prefixed.is_none().then(|| panic_message(&texts)).flatten() {
            return Some(shorten(&message));
        }
        let line = prefixed
            .or_else(|| texts.iter().flat_map(|t| t.lines()).find(|l| says_error(l)))
            .or_else(|| {
                texts
                    .iter()
                    .flat_map(|t| t.lines())
                    .find(|l| !l.trim().is_empty())
            })?;
        Some(shorten(line.trim()))
    }
}

/// What a Rust program that panicked said, from the line after `panicked at`.
fn panic_message(texts: &[&str]) -> Option<String> {
    texts.iter().find_map(|text| {
        let mut lines = text.lines();
        lines.find(|l| l.contains(" panicked at "))?;
        let message = lines.find(|l| !l.trim().is_empty())?;
        Some(format!("panicked: {}", message.trim()))
    })
}

/// Whether a line of a tool's output reports an error, rather than a warning that names one.
fn says_error(line: &str) -> bool {
    let line = line.trim_start();
    let lower = line.to_ascii_lowercase();
    lower.starts_with("error") || lower.contains("exception") || line.contains(" ERROR ")
}

/// `text` cut to fit a table cell.
pub fn shorten(text: &str) -> String {
    if text.chars().count() <= MESSAGE_WIDTH {
        return text.to_owned();
    }
    let cut: String = text.chars().take(MESSAGE_WIDTH - 1).collect();
    format!("{cut}…")
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// The peak memory that `/usr/bin/time -f %M` wrote, in bytes; it writes kilobytes, on the last
/// line, after a line about the exit status when the command failed.
fn read_rss(path: &Path) -> Result<u64, String> {
    let text = fs::read_to_string(path)
        .map_err(|e| format!("cannot read the peak memory from {}: {e}", path.display()))?;
    let last = text.lines().rev().find(|l| !l.trim().is_empty());
    last.and_then(|l| l.trim().parse::<u64>().ok())
        .map(|kib| kib * 1024)
        .ok_or_else(|| format!("{TIME} wrote no peak memory into {}", path.display()))
}

/// What several runs of one command measured.
#[derive(Clone, Debug)]
pub struct Measured {
    /// The wall time of each timed run, in order.
    pub times: Vec<Duration>,
    pub peak_memory: Option<u64>,
}

impl Measured {
    pub fn median(&self) -> Duration {
        median(&self.times)
    }
}

/// How a command is measured.
#[derive(Clone, Copy, Debug)]
pub struct Plan {
    pub warmups: usize,
    pub runs: usize,
    /// Whether peak memory is measured, in a run of its own or, for a single run without
    /// warm-up, in that run.
    pub memory: bool,
}

/// A job to measure, with what puts its inputs and outputs back as they were before each run
/// (outside the timing).
pub type Turn<'j, 'b> = (&'j Job, &'b mut dyn FnMut() -> Result<(), String>);

/// Runs `job` as `plan` says, calling `before` ahead of every run.
pub fn measure(
    job: &Job,
    plan: Plan,
    before: &mut dyn FnMut() -> Result<(), String>,
) -> Result<Measured, String> {
    let mut turns = [(job, before)];
    measure_in_turns(&mut turns, plan).remove(0)
}

/// Runs every job of `turns` as `plan` says, one run of each in turn, so that whatever else the
/// machine is doing at a moment weighs on all of them alike: the ratio of their times is then
/// the ratio of their costs, even where their absolute times drift. A job that fails is
/// dropped from the turns that follow; the others go on.
pub fn measure_in_turns(turns: &mut [Turn<'_, '_>], plan: Plan) -> Vec<Result<Measured, String>> {
    let single = plan.warmups == 0 && plan.runs == 1;
    // Without the measurer the times still count; the table says why memory is missing.
    let plan = Plan {
        memory: plan.memory && can_measure_memory(),
        ..plan
    };
    let mut results: Vec<Result<Measured, String>> = turns
        .iter()
        .map(|_| {
            Ok(Measured {
                times: Vec::with_capacity(plan.runs),
                peak_memory: None,
            })
        })
        .collect();
    // Runs every job that has not failed once more: `timed` says whether the run counts, and
    // `memory` whether it measures peak memory.
    let mut round = |results: &mut Vec<Result<Measured, String>>, timed: bool, memory: bool| {
        for ((job, before), result) in turns.iter_mut().zip(results.iter_mut()) {
            let Ok(measured) = result else { continue };
            let run = before().and_then(|()| job.run_once(memory));
            match run {
                Ok((time, rss)) => {
                    if timed {
                        measured.times.push(time);
                    }
                    measured.peak_memory = rss.or(measured.peak_memory);
                }
                Err(why) => *result = Err(why),
            }
        }
    };
    for _ in 0..plan.warmups {
        round(&mut results, false, false);
    }
    for _ in 0..plan.runs.max(1) {
        round(&mut results, true, single && plan.memory);
    }
    if plan.memory && !single {
        round(&mut results, false, true);
    }
    results
}

/// Whether peak memory can be measured here.
pub fn can_measure_memory() -> bool {
    Path::new(TIME).is_file()
}

/// The median of `times`; the mean of the middle two for an even count.
pub fn median(times: &[Duration]) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort();
    match sorted.len() {
        0 => Duration::ZERO,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2,
    }
}

/// Removes `dir` and all in it, if it is there.
pub fn remove_dir(dir: &Path) -> Result<(), String> {
    match fs::remove_dir_all(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(format!("cannot remove {}: {e}", dir.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        let ms = Duration::from_millis;
        assert_eq!(median(&[ms(5), ms(1), ms(3)]), ms(3));
        assert_eq!(median(&[ms(4), ms(1), ms(2), ms(100)]), ms(3));
    }

    #[test]
    fn error_lines_are_told_from_warnings() {
        assert!(says_error("error[E0425]: cannot find value `x`"));
        assert!(says_error(
            "Exception in thread \"main\" java.lang.RuntimeException"
        ));
        assert!(!says_error("warning: unused import: `crate::Error`"));
    }

    #[test]
    fn panics_are_told_by_their_message() {
        let err = "thread 'main' (7) panicked at src/method.rs:1:2:\nnot yet implemented: x\n";
        assert_eq!(
            panic_message(&[err]).as_deref(),
            Some("panicked: not yet implemented: x")
        );
    }
}
