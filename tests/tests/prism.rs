//! The generated client against Prism, a mock server that checks every request against
//! `spec/openapi.yaml` and answers from the spec's examples: a peer that reads the same
//! description and was written by other people.
//!
//! Prism comes from npm. The test takes the binary named by `PRISM`, else the one installed in
//! `.ci/node` of the repository, else `prism` on `PATH`, and fails when there is none: a
//! conformance check that quietly does nothing would look like one that passed.

use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::{Duration, Instant};

use authlete::types::{
    ApiResult, TokenFailRequest, TokenFailRequestReason, TokenFailResponse, TokenFailResponseAction,
};
use authlete::{BaseUrl, Client, Error};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[path = "../prism-full/tests/support/prism_process.rs"]
mod prism_process;

use prism_process::PrismProcess;

const SERVICE_ID: &str = "715948317";
const TICKET: &str = "83BNqKIhGMyrkvop_7jQjv2Z1612LNdGSQKkvkrf47c";

/// The Prism that the tests running at the moment share: starting one takes seconds of CPU.
/// It is killed when the last of them lets go of it, and a later test starts another.
static SHARED: Mutex<Weak<Prism>> = Mutex::new(Weak::new());

/// A test's hold on the shared Prism, which prints Prism's output if the test fails.
struct Session(Arc<Prism>);

impl Session {
    fn start() -> Self {
        let mut shared = SHARED.lock().unwrap_or_else(PoisonError::into_inner);
        let prism = shared.upgrade().unwrap_or_else(|| {
            let prism = Arc::new(Prism::start());
            *shared = Arc::downgrade(&prism);
            prism
        });
        Self(prism)
    }
}

impl Deref for Session {
    type Target = Prism;

    fn deref(&self) -> &Prism {
        &self.0
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("Prism's output:\n{}", self.0.log());
        }
    }
}

/// Prism serving `spec/`, answering with errors where a request breaks the spec.
struct Prism(PrismProcess);

impl Prism {
    fn start() -> Self {
        let spec = root().join("spec/openapi.yaml");
        let binary = codegen_tests::find_prism();
        Self(PrismProcess::start(
            &binary,
            &spec,
            &["--errors"],
            Duration::from_secs(30),
        ))
    }

    fn client(&self) -> Client {
        builder(&self.url())
            .bearer_token("a-service-token")
            .build()
            .unwrap()
    }

    /// Waits until Prism has logged a request for `path`: the log is the only place that shows
    /// the path exactly as it arrived.
    fn assert_received(&self, path: &str) {
        let line = format!("post {path} ");
        let deadline = Instant::now() + Duration::from_secs(5);
        while !self.log().contains(&line) {
            assert!(
                Instant::now() < deadline,
                "Prism logged no request for {path}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Deref for Prism {
    type Target = PrismProcess;

    fn deref(&self) -> &PrismProcess {
        &self.0
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn builder(url: &str) -> authlete::ClientBuilder {
    // A hung Prism fails the test in seconds rather than at the client's default timeout.
    Client::builder(BaseUrl::parse(url).unwrap()).timeout(Duration::from_secs(10))
}

fn request(ticket: &str, reason: TokenFailRequestReason) -> TokenFailRequest {
    TokenFailRequest {
        ticket: ticket.to_owned(),
        reason,
    }
}

/// The spec's example of the 200 response. Its `responseContent` has backslashes before the
/// quotes because the spec writes it in single quotes, where YAML keeps `\"` as two characters.
fn example_200() -> TokenFailResponse {
    TokenFailResponse {
        result_code: Some("A067301".to_owned()),
        result_message: Some(
            "[A067301] The credentials (username & password) passed to the token endpoint \
             are invalid."
                .to_owned(),
        ),
        action: Some(TokenFailResponseAction::BadRequest),
        response_content: Some(
            concat!(
                r#"{\"error_description\":\"[A067301] The credentials (username & password) "#,
                r#"passed to the token endpoint are invalid.\",\"error\":\"invalid_request\","#,
                r#"\"error_uri\":\"https://docs.authlete.com/#A067301\"}"#,
            )
            .to_owned(),
        ),
    }
}

/// The spec's example of the error response with `status`.
fn example_error(status: u16) -> ApiResult {
    let (code, message) = match status {
        400 => ("A001201", "/auth/authorization, TLS must be used."),
        401 => (
            "A001202",
            "/auth/authorization, Authorization header is missing.",
        ),
        403 => (
            "A001215",
            "/auth/authorization, The client (ID = 26837717140341) is locked.",
        ),
        500 => ("A001101", "/auth/authorization, Authlete Server error."),
        _ => unreachable!("the spec documents no {status}"),
    };
    ApiResult {
        result_code: Some(code.to_owned()),
        result_message: Some(format!("[{code}] {message}")),
    }
}

fn assert_api_error(result: Result<TokenFailResponse, Error<ApiResult>>, status: u16) {
    match result {
        Err(Error::Api {
            status: got, body, ..
        }) => {
            assert_eq!(got.as_u16(), status);
            assert_eq!(body, example_error(status));
        }
        other => panic!("expected the documented {status}, got {other:?}"),
    }
}

#[tokio::test]
async fn every_reason_in_either_encoding_is_accepted() {
    let prism = Session::start();
    let client = prism.client();

    // A ticket that needs escaping in a form, besides the spec's own.
    for ticket in [TICKET, "a b&c=d+e%f/é"] {
        for reason in TokenFailRequestReason::KNOWN {
            let body = request(ticket, reason.clone());
            let json = client.auth_token_fail_api(SERVICE_ID, &body).await;
            assert_eq!(json.unwrap(), example_200(), "JSON, {ticket:?}, {reason}");
            let form = client.auth_token_fail_api_form(SERVICE_ID, &body).await;
            assert_eq!(form.unwrap(), example_200(), "form, {ticket:?}, {reason}");
        }
    }
}

#[tokio::test]
async fn awkward_service_ids_stay_one_path_segment() {
    let prism = Session::start();
    let client = prism.client();

    // Each id, and the segment it must arrive as. Were a `/`, `?` or `#` sent as is, Prism
    // would find no such operation and answer 404.
    let ids = [
        ("with space", "with%20space"),
        ("a/b", "a%2Fb"),
        ("../x", "..%2Fx"),
        ("...", "..."),
        ("ü-サ", "%C3%BC-%E3%82%B5"),
        ("100%", "100%25"),
        ("%2F", "%252F"),
        ("a?b#c", "a%3Fb%23c"),
        ("a+b;c=d", "a%2Bb%3Bc%3Dd"),
        ("~._-", "~._-"),
    ];
    for (id, segment) in ids {
        let body = request(TICKET, TokenFailRequestReason::Unknown);
        let answer = client.auth_token_fail_api(id, &body).await;
        assert_eq!(answer.unwrap(), example_200(), "service id {id:?}");
        prism.assert_received(&format!("/api/{segment}/auth/token/fail"));
    }
}

#[tokio::test]
async fn documented_errors_parse_as_the_spec_examples() {
    let prism = Session::start();
    let body = request(TICKET, TokenFailRequestReason::InvalidTarget);

    // Prism's own verdicts: no bearer token, and a reason outside the enum.
    let anonymous = builder(&prism.url()).build().unwrap();
    assert_api_error(anonymous.auth_token_fail_api(SERVICE_ID, &body).await, 401);
    let unknown = request(TICKET, TokenFailRequestReason::from("NOT_A_REASON"));
    let client = prism.client();
    assert_api_error(client.auth_token_fail_api(SERVICE_ID, &unknown).await, 400);
    assert_api_error(
        client.auth_token_fail_api_form(SERVICE_ID, &unknown).await,
        400,
    );

    // Prism answers a valid request with another documented status only when asked to.
    for status in [400, 401, 403, 500] {
        let proxy = prefer_status(prism.port, status).await;
        let client = builder(&proxy)
            .bearer_token("a-service-token")
            .build()
            .unwrap();
        assert_api_error(client.auth_token_fail_api(SERVICE_ID, &body).await, status);
    }
}

#[tokio::test]
async fn prism_rejects_requests_that_break_the_spec() {
    let prism = Session::start();
    let path = format!("/api/{SERVICE_ID}/auth/token/fail");
    let bearer = "Bearer a-service-token";
    let json = "application/json";
    let form = "application/x-www-form-urlencoded";
    let valid = format!(r#"{{"ticket":"{TICKET}","reason":"UNKNOWN"}}"#);

    // The same raw request, right, so that each rejection below is down to its one fault.
    let answer = raw_post(prism.port, &path, Some(bearer), json, &valid).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.violations, None, "{answer:?}");

    let cases = [
        (
            Some(bearer),
            json,
            r#"{"reason":"UNKNOWN"}"#,
            400,
            "required property 'ticket'",
        ),
        (
            Some(bearer),
            form,
            "ticket=t",
            400,
            "required property 'reason'",
        ),
        (
            Some(bearer),
            form,
            "ticket=t&reason=NOPE",
            400,
            "must be equal to one of the allowed",
        ),
        (
            Some(bearer),
            "text/plain",
            &valid,
            400,
            "Supported content types",
        ),
        (None, json, &valid, 401, "Invalid security scheme"),
        (
            Some("Basic YTpi"),
            json,
            &valid,
            401,
            "Invalid security scheme",
        ),
    ];
    for (authorization, content_type, body, status, problem) in cases {
        let answer = raw_post(prism.port, &path, authorization, content_type, body).await;
        let case = format!("{authorization:?} {content_type} {body}: {answer:?}");
        assert_eq!(answer.status, status, "{case}");
        let violations = answer.violations.as_deref().unwrap_or_default();
        assert!(violations.contains(problem), "{case}");
    }
}

/// A proxy in front of Prism that adds `Prefer: code=<status>` to every request, which makes
/// Prism answer with that documented response. Returns the proxy's URL.
async fn prefer_status(prism_port: u16, status: u16) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut head = Vec::new();
                let end = loop {
                    let mut chunk = [0; 4096];
                    let read = client.read(&mut chunk).await.unwrap();
                    if read == 0 {
                        return;
                    }
                    head.extend_from_slice(&chunk[..read]);
                    if let Some(end) = head.windows(4).position(|w| w == b"\r\n\r\n") {
                        break end;
                    }
                };
                // The new header goes after the last one, before the blank line.
                let mut forwarded = head[..end + 2].to_vec();
                forwarded.extend_from_slice(format!("prefer: code={status}\r\n").as_bytes());
                forwarded.extend_from_slice(&head[end + 2..]);
                let mut prism = TcpStream::connect(("127.0.0.1", prism_port)).await.unwrap();
                prism.write_all(&forwarded).await.unwrap();
                let _ = tokio::io::copy_bidirectional(&mut client, &mut prism).await;
            });
        }
    });
    url
}

/// What a raw request got back: the status, and the problems Prism found with the request.
#[derive(Debug)]
struct Answer {
    status: u16,
    violations: Option<String>,
}

/// Sends a request by hand, to say what no generated client would.
async fn raw_post(
    port: u16,
    path: &str,
    authorization: Option<&str>,
    content_type: &str,
    body: &str,
) -> Answer {
    let mut request = format!("POST {path} HTTP/1.1\r\nhost: 127.0.0.1:{port}\r\n");
    if let Some(authorization) = authorization {
        request.push_str(&format!("authorization: {authorization}\r\n"));
    }
    request.push_str(&format!(
        "content-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    ));
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8(answer).unwrap();

    let head = answer.split("\r\n\r\n").next().unwrap();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let violations = lines.find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.eq_ignore_ascii_case("sl-violations")
            .then(|| value.trim().to_owned())
    });
    Answer { status, violations }
}
