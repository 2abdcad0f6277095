//! What the client does beyond one request and one answer: retries with backoff, rotated
//! tokens, a default `serviceId`, answering in-process for users' own tests, and the log event
//! of each request.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use authlete::types::{TokenFailRequest, TokenFailRequestReason, TokenFailResponseAction};
use authlete::{BaseUrl, Client, ClientBuilder, Error, InvalidRequest, MockResponse, RetryPolicy};
use codegen_tests::{Reply, Server};

const SECRET: &str = "s3cr3t-t0k3n";

const OK: &str = r#"{"action":"BAD_REQUEST","responseContent":"{}"}"#;

fn request() -> TokenFailRequest {
    TokenFailRequest {
        ticket: "t".to_owned(),
        reason: TokenFailRequestReason::Unknown,
    }
}

fn builder(server: &Server) -> ClientBuilder {
    Client::builder(BaseUrl::parse(&server.base_url).unwrap()).bearer_token(SECRET)
}

fn quick_retries(attempts: u32) -> RetryPolicy {
    RetryPolicy::new(attempts)
        .base_delay(Duration::from_millis(5))
        .max_delay(Duration::from_millis(50))
}

#[tokio::test]
async fn retries_are_off_by_default() {
    let server = Server::start(Reply::json(503, "busy")).await;
    let error = builder(&server)
        .build()
        .unwrap()
        .auth_token_fail_api("1", &request())
        .await;
    assert_eq!(error.unwrap_err().attempts(), 1);
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn too_many_requests_and_unavailable_are_retried_until_an_answer() {
    let server = Server::start_sequence(vec![
        Reply::json(429, "slow down").with_header("retry-after: 0"),
        Reply::json(503, "busy"),
        Reply::json(200, OK),
    ])
    .await;
    let client = builder(&server).retry(quick_retries(5)).build().unwrap();
    let response = client.auth_token_fail_api("1", &request()).await.unwrap();
    assert_eq!(response.action, Some(TokenFailResponseAction::BadRequest));
    assert_eq!(server.received().len(), 3);
}

#[tokio::test]
async fn the_attempts_are_in_the_error_when_retries_run_out() {
    let server = Server::start(Reply::json(503, "busy")).await;
    let client = builder(&server).retry(quick_retries(3)).build().unwrap();
    let error = client
        .auth_token_fail_api("1", &request())
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::UnexpectedResponse { attempts: 3, status, .. } if status.as_u16() == 503),
        "{error:?}"
    );
    assert_eq!(server.received().len(), 3);
}

#[tokio::test]
async fn a_retry_after_beyond_the_cap_ends_the_retries() {
    let server = Server::start(Reply::json(429, "later").with_header("retry-after: 3600")).await;
    let client = builder(&server).retry(quick_retries(5)).build().unwrap();
    let error = client
        .auth_token_fail_api("1", &request())
        .await
        .unwrap_err();
    assert_eq!(error.attempts(), 1);
}

#[tokio::test]
async fn documented_errors_are_not_retried() {
    let server = Server::start(Reply::json(400, r#"{"resultCode":"A1"}"#)).await;
    let client = builder(&server).retry(quick_retries(5)).build().unwrap();
    let error = client
        .auth_token_fail_api("1", &request())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Api { attempts: 1, .. }), "{error:?}");
}

#[tokio::test]
async fn refused_connections_are_retried_and_counted() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = Client::builder(BaseUrl::parse(&format!("http://127.0.0.1:{port}")).unwrap())
        .retry(quick_retries(3))
        .build()
        .unwrap();
    let error = client
        .auth_token_fail_api("1", &request())
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::Transport { attempts: 3, .. }),
        "{error:?}"
    );
    assert_eq!(error.to_string(), "the request failed after 3 attempt(s)");
}

#[tokio::test]
async fn a_token_supplier_is_asked_before_every_request() {
    let server = Server::start(Reply::json(200, OK)).await;
    let issued = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&issued);
    let client = Client::builder(BaseUrl::parse(&server.base_url).unwrap())
        .bearer_token_supplier(move || format!("token-{}", counter.fetch_add(1, Ordering::SeqCst)))
        .build()
        .unwrap();
    for _ in 0..2 {
        client.auth_token_fail_api("1", &request()).await.unwrap();
    }
    let sent: Vec<String> = server
        .received()
        .iter()
        .map(|r| r.header("authorization").unwrap().to_owned())
        .collect();
    assert_eq!(sent.len(), 2);
    assert!(sent.contains(&"Bearer token-0".to_owned()));
    assert!(sent.contains(&"Bearer token-1".to_owned()));
    assert!(!format!("{client:?}").contains("token-"));
}

#[tokio::test]
async fn a_default_service_id_is_set_once_on_the_client() {
    let server = Server::start(Reply::json(200, OK)).await;
    let client = builder(&server)
        .default_service_id("715948317")
        .build()
        .unwrap();
    client.auth_token_fail_api(None, &request()).await.unwrap();
    client
        .auth_token_fail_api("other one", &request())
        .await
        .unwrap();
    let mut targets: Vec<String> = server.received().into_iter().map(|r| r.target).collect();
    targets.sort();
    assert_eq!(
        targets,
        [
            "/api/715948317/auth/token/fail",
            "/api/other%20one/auth/token/fail"
        ]
    );

    let without = builder(&server).build().unwrap();
    let error = without
        .auth_token_fail_api(None, &request())
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::InvalidRequest(InvalidRequest::MissingPathParameter { name: "serviceId" })
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_responder_answers_without_any_network() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    let client = Client::builder(authlete::Server::Us)
        .bearer_token("token")
        .responder(move |request| {
            log.lock().unwrap().push(request.clone());
            MockResponse::new(200, OK)
        })
        .build()
        .unwrap();
    let response = client.auth_token_fail_api("a b", &request()).await.unwrap();
    assert_eq!(response.action, Some(TokenFailResponseAction::BadRequest));
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].method, authlete::reqwest::Method::POST);
    assert_eq!(seen[0].path, "/api/a%20b/auth/token/fail");
    assert_eq!(seen[0].content_type, Some("application/json"));
    assert!(seen[0].authorized);
    assert_eq!(
        seen[0].body_text(),
        Some(r#"{"ticket":"t","reason":"UNKNOWN"}"#)
    );
}

/// Records every event's fields as `name=value` text.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<String>>>);

struct Fields(String);

impl tracing::field::Visit for Fields {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!("{}={value:?} ", field.name()));
    }
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut fields = Fields(String::new());
        event.record(&mut fields);
        self.0.lock().unwrap().push(fields.0);
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

async fn logged(client: &Client) -> Vec<String> {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    client
        .auth_token_fail_api("715948317", &request())
        .await
        .unwrap();
    let events = capture.0.lock().unwrap().clone();
    events.into_iter().filter(|e| e.contains("path=")).collect()
}

#[tokio::test]
async fn one_event_per_request_without_token_or_body() {
    let server = Server::start(Reply::json(200, OK)).await;
    let events = logged(&builder(&server).build().unwrap()).await;
    assert_eq!(events.len(), 1, "{events:?}");
    let event = &events[0];
    for expected in [
        "method=\"POST\"",
        "path=\"/api/{serviceId}/auth/token/fail\"",
        "status=200",
        "attempts=1",
        "elapsed_ms=",
    ] {
        assert!(event.contains(expected), "{expected} missing from {event}");
    }
    for secret in [SECRET, "715948317", "ticket", "BAD_REQUEST"] {
        assert!(!event.contains(secret), "{secret} logged in {event}");
    }
}

#[tokio::test]
async fn bodies_are_logged_only_when_asked() {
    let server = Server::start(Reply::json(200, OK)).await;
    let events = logged(&builder(&server).log_bodies(true).build().unwrap()).await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert!(events[0].contains(r#"request_body="{\"ticket\":\"t\",\"reason\":\"UNKNOWN\"}""#));
    assert!(events[0].contains("response_body="));
    assert!(!events[0].contains(SECRET));
}
