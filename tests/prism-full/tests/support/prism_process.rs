//! A Prism process serving a spec on a free port of 127.0.0.1, with its output kept for when a
//! test fails, and killed when dropped so that a failing test does not leave it running.
//!
//! Shared by the Prism suite of the workspace and the full-spec sample that `compile.rs` builds
//! beside the generated crate; both include this file by path, since the sample is built in a
//! scratch workspace that cannot depend on the test crate.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

pub struct PrismProcess {
    child: Child,
    pub port: u16,
    log: Arc<Mutex<String>>,
}

impl PrismProcess {
    /// Runs `binary mock spec` with `extra` arguments, and waits up to `wait` for it to listen.
    pub fn start(binary: &Path, spec: &Path, extra: &[&str], wait: Duration) -> Self {
        // Another process may take the free port before Prism binds it; a new port then does.
        for _ in 0..3 {
            if let Some(prism) = Self::try_start(binary, spec, extra, wait) {
                return prism;
            }
        }
        panic!("Prism did not start three times in a row; its output is above");
    }

    fn try_start(binary: &Path, spec: &Path, extra: &[&str], wait: Duration) -> Option<Self> {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let mut child = Command::new(binary)
            .args(["mock", "--host", "127.0.0.1", "--port", &port.to_string()])
            .args(extra)
            .arg(spec)
            // Plain text, so that the log can be searched for the paths Prism received.
            .env("FORCE_COLOR", "0")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", binary.display()));
        let log = Arc::new(Mutex::new(String::new()));
        drain(child.stdout.take().unwrap(), &log);
        drain(child.stderr.take().unwrap(), &log);
        // Owned from here on, so that giving up below kills it.
        let mut prism = Self { child, port, log };

        // Prism listens only once it has read the whole spec.
        let deadline = Instant::now() + wait;
        loop {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Some(prism);
            }
            if prism.child.try_wait().unwrap().is_some() || Instant::now() > deadline {
                eprintln!("Prism on port {port}:\n{}", prism.log());
                return None;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Everything Prism has printed so far. A panic elsewhere must not make this one panic too,
    /// least of all while a test is failing.
    pub fn log(&self) -> String {
        self.log
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Drop for PrismProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Copies what Prism prints into `log`, line by line, on a thread of its own.
fn drain(pipe: impl Read + Send + 'static, log: &Arc<Mutex<String>>) {
    let log = Arc::clone(log);
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines().map_while(Result::ok) {
            let mut log = log.lock().unwrap_or_else(PoisonError::into_inner);
            log.push_str(&line);
            log.push('\n');
        }
    });
}
