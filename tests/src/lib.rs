//! Helpers shared by the test suites: where things are, generating with fixed settings, and
//! a small HTTP server on loopback that records what it is sent and answers what it is told.
//! The README's Rust examples are compiled here too, as doctests of `readme`.

#[doc = include_str!("../../README.md")]
pub mod readme {}

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The text of a spec, by path from the workspace root.
pub fn read(relative: &str) -> String {
    let path = root().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Settings as the xtask uses them, with `source` as the header's spec path.
pub fn settings(crate_name: &str, source: &str) -> generator::Settings {
    generator::Settings::new(crate_name, source)
}

/// A request as the server received it.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    /// The request target: path and query, as sent.
    pub target: String,
    /// Header names in lower case, in the order sent.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    /// The value of header `name`, if it was sent once.
    pub fn header(&self, name: &str) -> Option<&str> {
        let mut values = self.headers.iter().filter(|(n, _)| n == name);
        let first = values.next().map(|(_, v)| v.as_str());
        assert!(
            values.next().is_none(),
            "header {name} was sent more than once"
        );
        first
    }

    pub fn body_text(&self) -> &str {
        std::str::from_utf8(&self.body).expect("the body is UTF-8")
    }
}

/// What the server answers.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: String,
    /// Further headers, as `name: value` lines.
    pub headers: Vec<String>,
}

impl Reply {
    pub fn json(status: u16, body: &str) -> Self {
        Self {
            status,
            content_type: "application/json",
            body: body.to_owned(),
            headers: Vec::new(),
        }
    }

    pub fn html(status: u16, body: &str) -> Self {
        Self {
            content_type: "text/html; charset=utf-8",
            ..Self::json(status, body)
        }
    }

    /// The same reply with one more header.
    pub fn with_header(mut self, line: &str) -> Self {
        self.headers.push(line.to_owned());
        self
    }
}

/// An HTTP/1.1 server on 127.0.0.1 that answers requests with the replies it was given, in
/// order, the last one for every request after, and keeps what it was sent. It stops when
/// dropped.
pub struct Server {
    pub base_url: String,
    received: Arc<Mutex<Vec<Recorded>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    pub async fn start(reply: Reply) -> Self {
        Self::start_sequence(vec![reply]).await
    }

    pub async fn start_sequence(replies: Vec<Reply>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&received);
        let task = tokio::spawn(async move {
            let mut next = 0;
            while let Ok((stream, _)) = listener.accept().await {
                let log = Arc::clone(&log);
                let reply = replies[next.min(replies.len() - 1)].clone();
                next += 1;
                tokio::spawn(async move {
                    if let Some(request) = serve(stream, &reply).await {
                        log.lock().unwrap().push(request);
                    }
                });
            }
        });
        Self {
            base_url,
            received,
            task,
        }
    }

    /// Every request received so far.
    pub fn received(&self) -> Vec<Recorded> {
        self.received.lock().unwrap().clone()
    }

    /// The one request received; fails if there were more or none.
    pub fn only_request(&self) -> Recorded {
        let received = self.received();
        assert_eq!(
            received.len(),
            1,
            "expected exactly one request: {received:#?}"
        );
        received.into_iter().next().unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Reads one request from `stream`, answers it and closes the connection.
async fn serve(mut stream: TcpStream, reply: &Reply) -> Option<Recorded> {
    let mut buffer = Vec::new();
    let head_end = loop {
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
    };
    let head = String::from_utf8(buffer[..head_end].to_vec()).ok()?;
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let target = request_line.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    let mut response = format!(
        "HTTP/1.1 {} Status\r\ncontent-type: {}\r\ncontent-length: {}\r\nconnection: close\r\n",
        reply.status,
        reply.content_type,
        reply.body.len(),
    );
    for line in &reply.headers {
        response.push_str(line);
        response.push_str("\r\n");
    }
    response.push_str("\r\n");
    response.push_str(&reply.body);
    stream.write_all(response.as_bytes()).await.ok()?;
    stream.shutdown().await.ok()?;
    Some(Recorded {
        method,
        target,
        headers,
        body,
    })
}

/// The names of the fixture specs in `tests/fixtures/`, sorted.
pub fn fixture_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("tests/fixtures"))
        .unwrap()
        .filter_map(|entry| {
            let path = entry.unwrap().path();
            let is_yaml = path.extension().is_some_and(|e| e == "yaml");
            is_yaml.then(|| path.file_stem().unwrap().to_string_lossy().into_owned())
        })
        .collect();
    names.sort_unstable();
    names
}

/// The command that installs Prism where [`find_prism`] looks first.
pub const PRISM_INSTALL: &str = "npm ci --prefix .ci/node";

/// The Prism binary named by `PRISM`, else the one installed in `.ci/node`, else `prism` on
/// `PATH`. Missing, it fails the test, since a conformance check that quietly does nothing
/// would look like one that passed.
pub fn find_prism() -> PathBuf {
    if let Some(path) = std::env::var_os("PRISM") {
        let path = PathBuf::from(path);
        assert!(
            path.is_file(),
            "PRISM is set to {}, which is not a file",
            path.display()
        );
        return path;
    }
    let local = root().join(".ci/node/node_modules/.bin/prism");
    if local.is_file() {
        return local;
    }
    let on_path = std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join("prism"))
        .find(|path| path.is_file());
    on_path.unwrap_or_else(|| {
        panic!(
            "Prism is not installed. From the repository root run\n    {PRISM_INSTALL}\n\
             or set PRISM to the path of a prism binary."
        )
    })
}
