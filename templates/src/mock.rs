//! Answering requests in-process, so that a program's own tests can run the client without a
//! network or a server: see [`ClientBuilder::responder`](crate::ClientBuilder::responder).

use reqwest::Method;

/// A request as the client would have sent it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MockRequest {
    /// The HTTP method.
    pub method: Method,
    /// The path and query, percent-encoded as they would go out.
    pub path: String,
    /// The `Content-Type` of the body, if there is one.
    pub content_type: Option<&'static str>,
    /// Whether an `Authorization` header would have been sent; its value is never exposed.
    pub authorized: bool,
    /// The encoded body.
    pub body: Vec<u8>,
}

impl MockRequest {
    /// The body as text, when it is UTF-8.
    pub fn body_text(&self) -> Option<&str> {
        std::str::from_utf8(&self.body).ok()
    }
}

/// What the responder answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MockResponse {
    /// The status code.
    pub status: u16,
    /// The body, as the server would send it.
    pub body: String,
    /// The `Retry-After` header, if any.
    pub retry_after: Option<String>,
}

impl MockResponse {
    /// An answer with `status` and `body`.
    pub fn new(status: u16, body: impl Into<String>) -> Self {
        Self {
            status,
            body: body.into(),
            retry_after: None,
        }
    }

    /// An answer with `status` and `body` serialized as JSON.
    pub fn json(status: u16, body: &impl serde::Serialize) -> Self {
        Self::new(status, serde_json::to_string(body).unwrap_or_default())
    }
}
