//! The HTTP plumbing under every operation: the client and its settings, building the URL,
//! encoding the body, sending, and reading the response back into an operation's result.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{self, HeaderValue};
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{BuildError, Error, InvalidRequest};

/// How long connecting to the server may take, unless the builder says otherwise.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a whole request may take, unless the builder says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The absolute URL that every operation's path is appended to.
#[derive(Clone, PartialEq, Eq)]
pub struct BaseUrl(String);

impl BaseUrl {
    /// Checks that `url` is an absolute `http` or `https` URL without query or fragment.
    ///
    /// A trailing `/` is dropped, since every operation's path starts with one.
    pub fn parse(url: &str) -> Result<Self, BuildError> {
        let invalid = |reason: &str| BuildError::BaseUrl {
            url: url.to_owned(),
            reason: reason.to_owned(),
        };
        let parsed = reqwest::Url::parse(url).map_err(|e| invalid(&e.to_string()))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(invalid("the scheme must be http or https"));
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(invalid("a base URL takes no query or fragment"));
        }
        Ok(Self(parsed.as_str().trim_end_matches('/').to_owned()))
    }

    /// A URL that the generator checked when it read the spec.
    #[allow(
        dead_code,
        reason = "used only by APIs whose description lists servers"
    )]
    pub(crate) fn known(url: &'static str) -> Self {
        Self(url.to_owned())
    }

    /// The URL, without a trailing `/`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("BaseUrl").field(&self.0).finish()
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where the bearer token of each request comes from.
#[derive(Clone)]
enum Credentials {
    None,
    Fixed(HeaderValue),
    Supplier(Arc<dyn Fn() -> String + Send + Sync>),
}

impl Credentials {
    fn header(&self) -> Result<Option<HeaderValue>, InvalidRequest> {
        let value = match self {
            Self::None => return Ok(None),
            Self::Fixed(value) => value.clone(),
            Self::Supplier(supply) => {
                bearer_header(&supply()).map_err(|()| InvalidRequest::Token)?
            }
        };
        Ok(Some(value))
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::None => "None",
            Self::Fixed(_) => "Fixed(<redacted>)",
            Self::Supplier(_) => "Supplier(<redacted>)",
        })
    }
}

/// `Bearer <token>`, marked sensitive so that no layer below logs it.
fn bearer_header(token: &str) -> Result<HeaderValue, ()> {
    let mut value = HeaderValue::try_from(format!("Bearer {token}")).map_err(|_| ())?;
    value.set_sensitive(true);
    Ok(value)
}

/// Settings for a [`Client`], finished with [`ClientBuilder::build`].
#[must_use]
pub struct ClientBuilder {
    base_url: BaseUrl,
    token: Result<Credentials, BuildError>,
    http: Option<reqwest::Client>,
    connect_timeout: Duration,
    timeout: Duration,
}

impl ClientBuilder {
    pub(crate) fn new(base_url: BaseUrl) -> Self {
        Self {
            base_url,
            token: Ok(Credentials::None),
            http: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// Sends `Authorization: Bearer <token>` with every request.
    pub fn bearer_token(mut self, token: impl AsRef<str>) -> Self {
        self.token = bearer_header(token.as_ref())
            .map(Credentials::Fixed)
            .map_err(|()| BuildError::Token);
        self
    }

    /// Asks `supply` for the bearer token before every request, so that a rotated token is
    /// used as soon as it is issued.
    pub fn bearer_token_supplier(
        mut self,
        supply: impl Fn() -> String + Send + Sync + 'static,
    ) -> Self {
        self.token = Ok(Credentials::Supplier(Arc::new(supply)));
        self
    }

    /// How long connecting may take; [`DEFAULT_CONNECT_TIMEOUT`] unless set.
    ///
    /// Ignored when [`http_client`](Self::http_client) supplies the client.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long a whole request may take, from connecting to the last byte of the response;
    /// [`DEFAULT_TIMEOUT`] unless set.
    ///
    /// Ignored when [`http_client`](Self::http_client) supplies the client.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sends through `client` instead of one built here, for proxies, custom TLS roots or
    /// connection pools shared with the rest of a program.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<Client, BuildError> {
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                .timeout(self.timeout)
                .build()
                .map_err(BuildError::Http)?,
        };
        let transport = Transport {
            http,
            base_url: self.base_url,
            credentials: self.token?,
        };
        Ok(Client { transport })
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// The client of the API: one async method per operation.
///
/// Cloning is cheap and shares the connection pool.
#[derive(Clone, Debug)]
pub struct Client {
    pub(crate) transport: Transport,
}

impl Client {
    /// Starts building a client for the server at `base_url`.
    pub fn builder(base_url: impl Into<BaseUrl>) -> ClientBuilder {
        ClientBuilder::new(base_url.into())
    }

    /// The URL that every operation's path is appended to.
    pub fn base_url(&self) -> &BaseUrl {
        &self.transport.base_url
    }
}

#[derive(Clone)]
pub(crate) struct Transport {
    http: reqwest::Client,
    base_url: BaseUrl,
    credentials: Credentials,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transport")
            .field("base_url", &self.base_url)
            .field("credentials", &self.credentials)
            .finish_non_exhaustive()
    }
}

/// One piece of an operation's path: text from the template, or a parameter's value.
#[derive(Clone, Copy, Debug)]
#[allow(
    dead_code,
    reason = "each API uses only the helpers that its operations need"
)]
pub(crate) enum Segment<'a> {
    Literal(&'static str),
    Param(&'static str, &'a str),
}

/// Joins `segments` into a path, percent-encoding every parameter as one path segment.
///
/// A parameter that is empty, `.` or `..` is refused: URL normalisation would turn it into
/// another endpoint's path.
pub(crate) fn path(segments: &[Segment<'_>]) -> Result<String, InvalidRequest> {
    let mut out = String::new();
    for segment in segments {
        match *segment {
            Segment::Literal(text) => out.push_str(text),
            Segment::Param(name, value) => {
                if matches!(value, "" | "." | "..") {
                    return Err(InvalidRequest::PathParameter { name });
                }
                percent_encode(value, &mut out);
            }
        }
    }
    Ok(out)
}

/// Appends `value` with every byte outside RFC 3986's unreserved set percent-encoded.
fn percent_encode(value: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &byte in value.as_bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xf)]));
        }
    }
}

/// Encodes `body` as `application/x-www-form-urlencoded`.
///
/// The body must serialize as an object whose values are strings, numbers, booleans or arrays
/// of those; arrays become repeated keys and `null` values are left out.
pub(crate) fn form_encode<T: Serialize + ?Sized>(body: &T) -> Result<String, InvalidRequest> {
    let invalid = |reason: String| InvalidRequest::Body {
        content_type: FORM,
        reason,
    };
    let value = serde_json::to_value(body).map_err(|e| invalid(e.to_string()))?;
    let serde_json::Value::Object(fields) = value else {
        return Err(invalid("the body is not an object".to_owned()));
    };
    let mut out = String::new();
    for (key, value) in &fields {
        let values = match value {
            serde_json::Value::Array(items) => items.as_slice(),
            other => std::slice::from_ref(other),
        };
        for item in values {
            let text = match item {
                serde_json::Value::Null => continue,
                serde_json::Value::String(text) => text.clone(),
                serde_json::Value::Bool(_) | serde_json::Value::Number(_) => item.to_string(),
                _ => return Err(invalid(format!("field `{key}` is not a scalar"))),
            };
            if !out.is_empty() {
                out.push('&');
            }
            form_escape(key, &mut out);
            out.push('=');
            form_escape(&text, &mut out);
        }
    }
    Ok(out)
}

/// The form encoding of URL, where a space is `+`.
fn form_escape(text: &str, out: &mut String) {
    for part in text.split(' ').enumerate() {
        if part.0 > 0 {
            out.push('+');
        }
        percent_encode(part.1, out);
    }
}

const JSON: &str = "application/json";
const FORM: &str = "application/x-www-form-urlencoded";
const TEXT: &str = "text/plain; charset=utf-8";

/// A request body, encoded.
#[derive(Debug)]
#[allow(
    dead_code,
    reason = "each API uses only the helpers that its operations need"
)]
pub(crate) enum Body {
    Empty,
    Json(Vec<u8>),
    Form(String),
    Text(String),
}

#[allow(
    dead_code,
    reason = "each API uses only the helpers that its operations need"
)]
impl Body {
    pub(crate) fn json<T: Serialize + ?Sized>(body: &T) -> Result<Self, InvalidRequest> {
        serde_json::to_vec(body)
            .map(Self::Json)
            .map_err(|e| InvalidRequest::Body {
                content_type: JSON,
                reason: e.to_string(),
            })
    }

    pub(crate) fn form<T: Serialize + ?Sized>(body: &T) -> Result<Self, InvalidRequest> {
        form_encode(body).map(Self::Form)
    }

    pub(crate) fn text(body: &str) -> Self {
        Self::Text(body.to_owned())
    }
}

/// What an operation sends: everything but the base URL and the credentials.
#[derive(Debug)]
pub(crate) struct Request {
    pub(crate) method: Method,
    /// The path as the API description writes it, for logs: no parameter values in it.
    #[allow(dead_code, reason = "read only where requests are logged")]
    pub(crate) template: &'static str,
    pub(crate) path: String,
    pub(crate) query: Vec<(&'static str, String)>,
    pub(crate) body: Body,
}

#[allow(
    dead_code,
    reason = "each API uses only the helpers that its operations need"
)]
impl Request {
    pub(crate) fn new(method: Method, template: &'static str, path: String) -> Self {
        Self {
            method,
            template,
            path,
            query: Vec::new(),
            body: Body::Empty,
        }
    }

    /// Adds `name=value` to the query, when there is a value.
    pub(crate) fn query(mut self, name: &'static str, value: Option<impl ToString>) -> Self {
        if let Some(value) = value {
            self.query.push((name, value.to_string()));
        }
        self
    }

    pub(crate) fn body(mut self, body: Body) -> Self {
        self.body = body;
        self
    }
}

impl Transport {
    /// Sends `request` and reads the whole response.
    pub(crate) async fn send<E>(&self, request: Request) -> Result<Response, Error<E>> {
        let started = Instant::now();
        let mut url = String::with_capacity(self.base_url.0.len() + request.path.len());
        url.push_str(&self.base_url.0);
        url.push_str(&request.path);
        if !request.query.is_empty() {
            url.push('?');
            for (i, (name, value)) in request.query.iter().enumerate() {
                if i > 0 {
                    url.push('&');
                }
                form_escape(name, &mut url);
                url.push('=');
                form_escape(value, &mut url);
            }
        }

        let mut builder = self
            .http
            .request(request.method.clone(), url)
            .header(header::ACCEPT, JSON);
        if let Some(value) = self.credentials.header()? {
            builder = builder.header(header::AUTHORIZATION, value);
        }
        builder = match request.body {
            Body::Empty => builder,
            Body::Json(bytes) => builder.header(header::CONTENT_TYPE, JSON).body(bytes),
            Body::Form(text) => builder.header(header::CONTENT_TYPE, FORM).body(text),
            Body::Text(text) => builder.header(header::CONTENT_TYPE, TEXT).body(text),
        };

        let transport = |source| Error::Transport {
            attempts: 1,
            source,
        };
        let response = builder.send().await.map_err(transport)?;
        let status = response.status();
        let body = response.text().await.map_err(transport)?;
        let _elapsed = started.elapsed();
        Ok(Response { status, body })
    }
}

/// A response, read whole.
#[derive(Debug)]
pub(crate) struct Response {
    pub(crate) status: StatusCode,
    pub(crate) body: String,
}

#[allow(
    dead_code,
    reason = "each API uses only the helpers that its operations need"
)]
impl Response {
    /// Parses the body as the operation's documented success value.
    pub(crate) fn json<T: DeserializeOwned, E>(self) -> Result<T, Error<E>> {
        serde_json::from_str(&self.body).map_err(|e| self.unexpected_because(e))
    }

    /// The body as text, for a documented `text/plain` success.
    pub(crate) fn text<E>(self) -> Result<String, Error<E>> {
        Ok(self.body)
    }

    /// Nothing, for a documented success without a body.
    pub(crate) fn empty<E>(self) -> Result<(), Error<E>> {
        Ok(())
    }

    /// Parses the body as the operation's documented error body.
    pub(crate) fn api_error<E: DeserializeOwned>(self) -> Error<E> {
        match serde_json::from_str(&self.body) {
            Ok(body) => Error::Api {
                status: self.status,
                body,
            },
            Err(e) => self.unexpected_because(e),
        }
    }

    /// Parses the body as `B`, one of several documented error bodies, and wraps it into the
    /// operation's error type.
    pub(crate) fn api_error_as<B: DeserializeOwned, E>(
        self,
        wrap: impl FnOnce(B) -> E,
    ) -> Error<E> {
        match serde_json::from_str(&self.body) {
            Ok(body) => Error::Api {
                status: self.status,
                body: wrap(body),
            },
            Err(e) => self.unexpected_because(e),
        }
    }

    /// A documented error status with a plain text body, wrapped into the operation's error
    /// type.
    pub(crate) fn api_error_text<E>(self, wrap: impl FnOnce(String) -> E) -> Error<E> {
        Error::Api {
            status: self.status,
            body: wrap(self.body),
        }
    }

    /// A documented error status without a body.
    pub(crate) fn api_error_empty<E>(self, body: E) -> Error<E> {
        Error::Api {
            status: self.status,
            body,
        }
    }

    /// A status this operation does not document.
    pub(crate) fn unexpected<E>(self) -> Error<E> {
        Error::UnexpectedResponse {
            status: self.status,
            body: self.body,
            source: None,
        }
    }

    fn unexpected_because<E>(self, source: serde_json::Error) -> Error<E> {
        Error::UnexpectedResponse {
            status: self.status,
            body: self.body,
            source: Some(source),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_parameters_are_one_encoded_segment() {
        let path = path(&[
            Segment::Literal("/api/"),
            Segment::Param("serviceId", "a/b c?#%é"),
            Segment::Literal("/x"),
        ])
        .unwrap();
        assert_eq!(path, "/api/a%2Fb%20c%3F%23%25%C3%A9/x");
    }

    #[test]
    fn dot_segments_and_empty_parameters_are_refused() {
        for value in ["", ".", ".."] {
            let err = path(&[Segment::Param("serviceId", value)]).unwrap_err();
            assert!(matches!(
                err,
                InvalidRequest::PathParameter { name: "serviceId" }
            ));
        }
        assert_eq!(path(&[Segment::Param("id", "...")]).unwrap(), "...");
    }

    #[test]
    fn form_encoding_flattens_scalars_and_arrays() {
        let body = serde_json::json!({
            "a b": "x&y=z+",
            "n": 3,
            "flag": true,
            "none": null,
            "list": ["1", "2"],
        });
        // Field order follows serde_json's map, which depends on its features; servers do not
        // care, so neither does the test.
        let encoded = form_encode(&body).unwrap();
        let mut pairs: Vec<&str> = encoded.split('&').collect();
        pairs.sort_unstable();
        assert_eq!(
            pairs,
            ["a+b=x%26y%3Dz%2B", "flag=true", "list=1", "list=2", "n=3"]
        );
    }

    #[test]
    fn form_encoding_refuses_nested_objects() {
        let err = form_encode(&serde_json::json!({"outer": {"inner": 1}})).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the request body cannot be encoded as application/x-www-form-urlencoded: \
             field `outer` is not a scalar"
        );
    }

    #[test]
    fn base_urls_are_checked_and_normalised() {
        assert_eq!(
            BaseUrl::parse("http://127.0.0.1:8080/").unwrap().as_str(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            BaseUrl::parse("https://example.com/prefix/")
                .unwrap()
                .as_str(),
            "https://example.com/prefix"
        );
        for bad in ["ftp://example.com", "not a url", "http://example.com/?q=1"] {
            assert!(BaseUrl::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_token_is_never_printed() {
        let client = Client::builder(BaseUrl::parse("http://127.0.0.1:1").unwrap())
            .bearer_token("very-secret-token")
            .build()
            .unwrap();
        let printed = format!("{client:?}");
        assert!(!printed.contains("very-secret"), "{printed}");
        assert!(printed.contains("<redacted>"), "{printed}");
    }
}
