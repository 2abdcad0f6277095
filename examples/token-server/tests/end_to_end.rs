//! The token endpoint driven over real HTTP against a mock Authlete, both on 127.0.0.1.
//!
//! The client application's side is a raw TCP exchange, so that each test compares every byte
//! of the answer, headers included, rather than what an HTTP client library chooses to show.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use authlete::{BaseUrl, Client};
use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::IntoResponse;
use serde_json::json;
use token_server::Config;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const SERVICE_ID: &str = "715948317";
const TOKEN: &str = "service-access-token";
const TICKET: &str = "83BNqKIhGMyrkvop_7jQjv2Z1612LNdGSQKkvkrf47c";

/// The answer that hides whatever went wrong between the token endpoint and Authlete.
const SERVER_ERROR: &str = r#"{"error":"server_error"}"#;

/// A `responseContent` with a space after a comma and non-ASCII text: re-serializing it would
/// change its bytes, and its length in bytes is not its length in characters.
const CONTENT_400: &str =
    r#"{"error":"invalid_grant", "error_description":"Résumé: the password is wrong"}"#;
const CONTENT_500: &str = r#"{"error":"server_error","error_description":"[A001101] Authlete"}"#;

/// A password grant with the wrong password, as the client application sends it.
const PASSWORD_GRANT: &str = "grant_type=password&username=alice&password=wrong\
                              &ticket=83BNqKIhGMyrkvop_7jQjv2Z1612LNdGSQKkvkrf47c";

/// One request as the mock Authlete received it.
#[derive(Debug)]
struct Seen {
    method: Method,
    uri: String,
    authorization: Option<String>,
    content_type: Option<String>,
    body: Bytes,
}

/// A mock Authlete that records each request and answers every one with the same response.
struct Mock {
    url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Mock {
    async fn start(status: u16, content_type: &'static str, body: String) -> Self {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&seen);
        let status = StatusCode::from_u16(status).unwrap();
        let answer = move |method: Method, uri: Uri, headers: HeaderMap, received: Bytes| {
            let text = |name| {
                headers
                    .get(name)
                    .map(|value: &header::HeaderValue| value.to_str().unwrap().to_owned())
            };
            record.lock().unwrap().push(Seen {
                method,
                uri: uri.to_string(),
                authorization: text(header::AUTHORIZATION),
                content_type: text(header::CONTENT_TYPE),
                body: received,
            });
            let body = body.clone();
            async move { (status, [(header::CONTENT_TYPE, content_type)], body).into_response() }
        };
        let addr = serve(Router::new().fallback(answer)).await;
        Self {
            url: format!("http://{addr}"),
            seen,
        }
    }

    /// A mock that answers 200 with `body` as a `/auth/token/fail` response.
    async fn ok(body: serde_json::Value) -> Self {
        Self::start(200, "application/json", body.to_string()).await
    }

    /// Checks that the token endpoint made exactly one call, the right one, with `reason`.
    fn assert_called_with(&self, reason: &str) {
        let seen = self.seen.lock().unwrap();
        assert_eq!(seen.len(), 1, "{seen:?}");
        let call = &seen[0];
        assert_eq!(call.method, Method::POST);
        assert_eq!(call.uri, format!("/api/{SERVICE_ID}/auth/token/fail"));
        assert_eq!(
            call.authorization.as_deref(),
            Some("Bearer service-access-token")
        );
        assert_eq!(call.content_type.as_deref(), Some("application/json"));
        let body: serde_json::Value = serde_json::from_slice(&call.body).unwrap();
        assert_eq!(body, json!({"ticket": TICKET, "reason": reason}));
    }

    fn assert_not_called(&self) {
        let seen = self.seen.lock().unwrap();
        assert!(seen.is_empty(), "{seen:?}");
    }
}

/// Serves `app` on a free port of 127.0.0.1 for the rest of the test.
async fn serve(app: Router) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

/// Starts the token endpoint, talking to Authlete at `authlete`.
async fn token_server(authlete: &str) -> SocketAddr {
    let client = Client::builder(BaseUrl::parse(authlete).unwrap())
        .bearer_token(TOKEN)
        // A test that goes wrong fails within seconds instead of hanging.
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    serve(token_server::app(Config {
        authlete: client,
        service_id: SERVICE_ID.to_owned(),
    }))
    .await
}

/// Sends `POST /token` with `body` as the client application would, and returns every byte of
/// the answer.
async fn post_token(server: SocketAddr, content_type: &str, body: &str) -> String {
    let mut stream = TcpStream::connect(server).await.unwrap();
    let request = format!(
        "POST /token HTTP/1.1\r\nhost: {server}\r\ncontent-type: {content_type}\r\n\
         content-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    String::from_utf8(answer).unwrap()
}

async fn post_form(server: SocketAddr, form: &str) -> String {
    post_token(server, "application/x-www-form-urlencoded", form).await
}

/// Checks the whole answer: status line, every header in order, and the body.
///
/// `date` is the only header whose value changes from run to run; its shape is checked and its
/// value taken from the answer.
fn assert_answer(answer: &str, status: &str, body: &str) {
    let date = answer
        .lines()
        .find_map(|line| line.strip_prefix("date: "))
        .unwrap_or_else(|| panic!("no date header in {answer:?}"));
    assert!(date.len() == 29 && date.ends_with(" GMT"), "date: {date:?}");
    let expected = format!(
        "HTTP/1.1 {status}\r\n\
         content-type: application/json\r\n\
         cache-control: no-store\r\n\
         pragma: no-cache\r\n\
         content-length: {}\r\n\
         connection: close\r\n\
         date: {date}\r\n\
         \r\n\
         {body}",
        body.len()
    );
    assert_eq!(answer, expected);
}

#[tokio::test]
async fn bad_request_passes_on_the_response_content() {
    let authlete = Mock::ok(json!({
        "resultCode": "A067301",
        "resultMessage": "[A067301] The credentials passed to the token endpoint are invalid.",
        "action": "BAD_REQUEST",
        "responseContent": CONTENT_400,
    }))
    .await;
    let server = token_server(&authlete.url).await;

    let answer = post_form(server, PASSWORD_GRANT).await;

    assert_answer(&answer, "400 Bad Request", CONTENT_400);
    authlete.assert_called_with("INVALID_RESOURCE_OWNER_CREDENTIALS");
}

#[tokio::test]
async fn internal_server_error_passes_on_the_response_content() {
    let authlete = Mock::ok(json!({
        "action": "INTERNAL_SERVER_ERROR",
        "responseContent": CONTENT_500,
    }))
    .await;
    let server = token_server(&authlete.url).await;

    let form = format!("{PASSWORD_GRANT}&resource=https%3A%2F%2Fapi.example.com%2F");
    let answer = post_form(server, &form).await;

    assert_answer(&answer, "500 Internal Server Error", CONTENT_500);
    authlete.assert_called_with("INVALID_TARGET");
}

#[tokio::test]
async fn other_grants_fail_for_an_unknown_reason() {
    let authlete = Mock::ok(json!({"action": "BAD_REQUEST", "responseContent": CONTENT_400})).await;
    let server = token_server(&authlete.url).await;

    let form = format!("grant_type=client_credentials&ticket={TICKET}");
    let answer = post_form(server, &form).await;

    assert_answer(&answer, "400 Bad Request", CONTENT_400);
    authlete.assert_called_with("UNKNOWN");
}

#[tokio::test]
async fn an_unknown_action_is_a_server_error() {
    let authlete = Mock::ok(json!({"action": "PASSWORD", "responseContent": CONTENT_400})).await;
    let server = token_server(&authlete.url).await;

    let answer = post_form(server, PASSWORD_GRANT).await;

    assert_answer(&answer, "500 Internal Server Error", SERVER_ERROR);
    authlete.assert_called_with("INVALID_RESOURCE_OWNER_CREDENTIALS");
}

#[tokio::test]
async fn a_missing_response_content_is_a_server_error() {
    let authlete = Mock::ok(json!({"resultCode": "A067301", "action": "BAD_REQUEST"})).await;
    let server = token_server(&authlete.url).await;

    let answer = post_form(server, PASSWORD_GRANT).await;

    assert_answer(&answer, "500 Internal Server Error", SERVER_ERROR);
    authlete.assert_called_with("INVALID_RESOURCE_OWNER_CREDENTIALS");
}

#[tokio::test]
async fn a_missing_action_is_a_server_error() {
    let authlete = Mock::ok(json!({"responseContent": CONTENT_400})).await;
    let server = token_server(&authlete.url).await;

    let answer = post_form(server, PASSWORD_GRANT).await;

    assert_answer(&answer, "500 Internal Server Error", SERVER_ERROR);
    authlete.assert_called_with("INVALID_RESOURCE_OWNER_CREDENTIALS");
}

#[tokio::test]
async fn authlete_refusing_the_call_is_hidden() {
    let result = json!({
        "resultCode": "A001202",
        "resultMessage": "[A001202] /auth/token/fail, Authorization header is missing.",
    });
    let authlete = Mock::start(401, "application/json", result.to_string()).await;
    let server = token_server(&authlete.url).await;

    let answer = post_form(server, PASSWORD_GRANT).await;

    assert_answer(&answer, "500 Internal Server Error", SERVER_ERROR);
    authlete.assert_called_with("INVALID_RESOURCE_OWNER_CREDENTIALS");
}

#[tokio::test]
async fn a_proxy_error_page_is_hidden() {
    let page = "<html><body><h1>502 Bad Gateway</h1></body></html>".to_owned();
    let authlete = Mock::start(502, "text/html", page).await;
    let server = token_server(&authlete.url).await;

    let answer = post_form(server, PASSWORD_GRANT).await;

    assert_answer(&answer, "500 Internal Server Error", SERVER_ERROR);
    authlete.assert_called_with("INVALID_RESOURCE_OWNER_CREDENTIALS");
}

#[tokio::test]
async fn a_success_body_that_is_not_json_is_hidden() {
    let authlete = Mock::start(200, "application/json", "{\"action\":".to_owned()).await;
    let server = token_server(&authlete.url).await;

    let answer = post_form(server, PASSWORD_GRANT).await;

    assert_answer(&answer, "500 Internal Server Error", SERVER_ERROR);
    authlete.assert_called_with("INVALID_RESOURCE_OWNER_CREDENTIALS");
}

#[tokio::test]
async fn authlete_unreachable_is_a_server_error() {
    // A port that was free a moment ago and that nothing listens on any more.
    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let server = token_server(&url).await;

    let answer = post_form(server, PASSWORD_GRANT).await;

    assert_answer(&answer, "500 Internal Server Error", SERVER_ERROR);
}

#[tokio::test]
async fn requests_that_cannot_be_reported_are_refused_here() {
    let authlete = Mock::ok(json!({"action": "BAD_REQUEST", "responseContent": CONTENT_400})).await;
    let server = token_server(&authlete.url).await;
    let invalid_request = r#"{"error":"invalid_request"}"#;

    let no_ticket = "grant_type=password&username=alice&password=wrong";
    let empty_ticket = "grant_type=password&ticket=";
    let two_tickets = format!("grant_type=password&ticket={TICKET}&ticket=other");
    let no_grant_type = format!("ticket={TICKET}");
    for form in [no_ticket, empty_ticket, &two_tickets, &no_grant_type] {
        let answer = post_form(server, form).await;
        assert_answer(&answer, "400 Bad Request", invalid_request);
    }
    let json = format!(r#"{{"grant_type":"password","ticket":"{TICKET}"}}"#);
    let answer = post_token(server, "application/json", &json).await;
    assert_answer(&answer, "400 Bad Request", invalid_request);

    authlete.assert_not_called();
}
