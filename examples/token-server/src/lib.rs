//! The failure path of an OAuth 2.0 token endpoint, answered through Authlete's
//! `/auth/token/fail` API.
//!
//! [`app`] serves `POST /token`. Every token request it accepts fails, for a reason decided by
//! [`failure_reason`]; the program reports the failure to Authlete and answers the client
//! application with what Authlete prescribes. The README says why nothing ever succeeds here.

use std::fmt::Write as _;
use std::sync::Arc;

use authlete::types::{
    ApiResult, TokenFailRequest, TokenFailRequestReason, TokenFailResponse, TokenFailResponseAction,
};
use axum::Router;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;

/// The body of every answer whose cause the client application has no business knowing:
/// Authlete unreachable, refusing this server, or answering something this server cannot read.
const SERVER_ERROR: &str = r#"{"error":"server_error"}"#;

/// The body of the answer to a request this server cannot even report to Authlete.
const INVALID_REQUEST: &str = r#"{"error":"invalid_request"}"#;

/// What the token endpoint needs to talk to Authlete.
#[derive(Clone, Debug)]
pub struct Config {
    /// The client of the Authlete API, with its base URL and token already set.
    pub authlete: authlete::Client,
    /// The Authlete service that this authorization server is.
    pub service_id: String,
}

/// The token endpoint, at `POST /token`.
pub fn app(config: Config) -> Router {
    Router::new()
        .route("/token", post(token))
        .with_state(Arc::new(config))
}

/// Why the token request with these parameters fails.
///
/// This server protects no resource server and knows no resource owner, so a `resource`
/// parameter (RFC 8707) is never acceptable and no username and password are ever right. Any
/// other grant fails too, since this server issues no tokens at all; the API has no reason for
/// that, so it is `UNKNOWN`.
pub fn failure_reason(grant_type: &str, params: &[(String, String)]) -> TokenFailRequestReason {
    if params.iter().any(|(name, _)| name == "resource") {
        TokenFailRequestReason::InvalidTarget
    } else if grant_type == "password" {
        TokenFailRequestReason::InvalidResourceOwnerCredentials
    } else {
        TokenFailRequestReason::Unknown
    }
}

/// Reports the failed token request to Authlete and passes its verdict on.
///
/// The form is read as a list of pairs rather than a struct: `resource` may repeat, and a
/// repeated `grant_type` or `ticket` must be refused rather than silently take one value.
async fn token(
    State(config): State<Arc<Config>>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let Ok(Form(params)) = form else {
        return reply(StatusCode::BAD_REQUEST, INVALID_REQUEST.to_owned());
    };
    // The ticket stands in for the `/auth/token` call that a full token endpoint makes first:
    // the generated client does not cover that API, so the caller brings the ticket it issued.
    let (Some(grant_type), Some(ticket)) = (once(&params, "grant_type"), once(&params, "ticket"))
    else {
        return reply(StatusCode::BAD_REQUEST, INVALID_REQUEST.to_owned());
    };

    let request = TokenFailRequest {
        ticket: ticket.to_owned(),
        reason: failure_reason(grant_type, &params),
    };
    match config
        .authlete
        .auth_token_fail_api(&config.service_id, &request)
        .await
    {
        Ok(response) => follow(response),
        Err(err) => {
            log_error(&err);
            server_error()
        }
    }
}

/// The value of the parameter `name` when it is given exactly once and is not empty.
///
/// RFC 6749 forbids repeating a parameter, and treats an empty one as absent.
fn once<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    let mut values = params
        .iter()
        .filter(|(key, _)| key == name)
        .map(|(_, value)| value.as_str());
    match (values.next(), values.next()) {
        (Some(value), None) if !value.is_empty() => Some(value),
        _ => None,
    }
}

/// Answers as the `action` of Authlete's response prescribes.
///
/// An action this server does not know, or no `responseContent` to send, means that it cannot
/// tell what the client application should see, so it answers with its own server error.
fn follow(response: TokenFailResponse) -> Response {
    let status = match &response.action {
        Some(TokenFailResponseAction::BadRequest) => StatusCode::BAD_REQUEST,
        Some(TokenFailResponseAction::InternalServerError) => StatusCode::INTERNAL_SERVER_ERROR,
        Some(TokenFailResponseAction::Unrecognized(action)) => {
            eprintln!("/auth/token/fail: unknown action `{action}`");
            return server_error();
        }
        None => {
            eprintln!("/auth/token/fail: the response has no action");
            return server_error();
        }
    };
    match response.response_content {
        Some(content) => reply(status, content),
        None => {
            eprintln!("/auth/token/fail: the response has no responseContent");
            server_error()
        }
    }
}

fn server_error() -> Response {
    reply(StatusCode::INTERNAL_SERVER_ERROR, SERVER_ERROR.to_owned())
}

/// A JSON answer that no cache may keep, as RFC 6749 requires of every token response.
fn reply(status: StatusCode, body: String) -> Response {
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        ),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        (header::PRAGMA, HeaderValue::from_static("no-cache")),
    ];
    (status, headers, body).into_response()
}

/// Writes one line to stderr with the error, its causes, and Authlete's result code when it
/// sent one: the operator needs them, the client application must not see them.
fn log_error(err: &authlete::Error<ApiResult>) {
    let mut line = format!("/auth/token/fail: {err}");
    if let authlete::Error::Api { body, .. } = err {
        if let Some(code) = &body.result_code {
            let _ = write!(line, " ({code})");
        }
    }
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        let _ = write!(line, ": {cause}");
        source = cause.source();
    }
    eprintln!("{line}");
}
