//! The HTTP plumbing under every operation: the client and its settings, sending with
//! credentials, retries and logging, and reading the response back into an operation's result.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{self, HeaderValue};
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::encode;
use crate::error::{BuildError, Error, InvalidRequest};
use crate::mock::{MockRequest, MockResponse};
use crate::retry::{self, RetryPolicy};

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

/// Answers requests in-process instead of sending them.
type Responder = Arc<dyn Fn(&MockRequest) -> MockResponse + Send + Sync>;

/// Settings for a [`Client`], finished with [`ClientBuilder::build`].
#[must_use]
pub struct ClientBuilder {
    base_url: BaseUrl,
    token: Result<Credentials, BuildError>,
    http: Option<reqwest::Client>,
    responder: Option<Responder>,
    connect_timeout: Duration,
    timeout: Duration,
    retry: RetryPolicy,
    path_defaults: BTreeMap<String, String>,
    log_bodies: bool,
}

impl ClientBuilder {
    pub(crate) fn new(base_url: BaseUrl) -> Self {
        Self {
            base_url,
            token: Ok(Credentials::None),
            http: None,
            responder: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            retry: RetryPolicy::NONE,
            path_defaults: BTreeMap::new(),
            log_bodies: false,
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

    /// How long one attempt may take, from connecting to the last byte of the response;
    /// [`DEFAULT_TIMEOUT`] unless set.
    ///
    /// Ignored when [`http_client`](Self::http_client) supplies the client.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Retries failed attempts as `policy` says; no retries unless set.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The value of path parameter `name` (as the API description spells it) for every
    /// operation called with `None` for it.
    pub fn default_path_parameter(
        mut self,
        name: impl Into<String>,
        value: impl Into<String>,
    ) -> Self {
        self.path_defaults.insert(name.into(), value.into());
        self
    }

    /// Adds the request and response bodies to the log event of each request; off unless set,
    /// since bodies may carry personal data. The token is never logged.
    pub fn log_bodies(mut self, log: bool) -> Self {
        self.log_bodies = log;
        self
    }

    /// Sends through `client` instead of one built here, for proxies, custom TLS roots or
    /// connection pools shared with the rest of a program.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Answers every request with `respond` instead of sending it, so that a program's tests
    /// run the client without a network or a server.
    pub fn responder(
        mut self,
        respond: impl Fn(&MockRequest) -> MockResponse + Send + Sync + 'static,
    ) -> Self {
        self.responder = Some(Arc::new(respond));
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<Client, BuildError> {
        let backend = match (self.responder, self.http) {
            (Some(respond), _) => Backend::Responder(respond),
            (None, Some(http)) => Backend::Http(http),
            (None, None) => Backend::Http(
                reqwest::Client::builder()
                    .connect_timeout(self.connect_timeout)
                    .timeout(self.timeout)
                    .build()
                    .map_err(BuildError::Http)?,
            ),
        };
        let transport = Transport {
            backend,
            base_url: self.base_url,
            credentials: self.token?,
            retry: self.retry,
            path_defaults: Arc::new(self.path_defaults),
            log_bodies: self.log_bodies,
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
            .field("retry", &self.retry)
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

/// Where requests go.
#[derive(Clone)]
enum Backend {
    Http(reqwest::Client),
    Responder(Responder),
}

#[derive(Clone)]
pub(crate) struct Transport {
    backend: Backend,
    base_url: BaseUrl,
    credentials: Credentials,
    retry: RetryPolicy,
    path_defaults: Arc<BTreeMap<String, String>>,
    log_bodies: bool,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let backend = match self.backend {
            Backend::Http(_) => "http",
            Backend::Responder(_) => "responder",
        };
        f.debug_struct("Transport")
            .field("backend", &backend)
            .field("base_url", &self.base_url)
            .field("credentials", &self.credentials)
            .field("retry", &self.retry)
            .field("path_defaults", &self.path_defaults)
            .finish_non_exhaustive()
    }
}

pub(crate) const JSON: &str = "application/json";
pub(crate) const FORM: &str = "application/x-www-form-urlencoded";
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
        encode::form_encode(body).map(Self::Form)
    }

    pub(crate) fn text(body: &str) -> Self {
        Self::Text(body.to_owned())
    }

    fn content_type(&self) -> Option<&'static str> {
        match self {
            Self::Empty => None,
            Self::Json(_) => Some(JSON),
            Self::Form(_) => Some(FORM),
            Self::Text(_) => Some(TEXT),
        }
    }

    fn bytes(&self) -> &[u8] {
        match self {
            Self::Empty => &[],
            Self::Json(bytes) => bytes,
            Self::Form(text) | Self::Text(text) => text.as_bytes(),
        }
    }
}

/// What an operation sends: everything but the base URL and the credentials.
#[derive(Debug)]
pub(crate) struct Request {
    pub(crate) method: Method,
    /// The path as the API description writes it, for logs: no parameter values in it.
    pub(crate) template: &'static str,
    pub(crate) path: String,
    pub(crate) query: Vec<(&'static str, String)>,
    pub(crate) body: Body,
    /// The content types the documented responses come in.
    pub(crate) accept: Option<&'static str>,
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
            accept: None,
        }
    }

    /// Sends `Accept: types`.
    pub(crate) fn accept(mut self, types: &'static str) -> Self {
        self.accept = Some(types);
        self
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

    /// The path with the query string, percent-encoded.
    fn path_and_query(&self) -> String {
        let mut out = self.path.clone();
        if !self.query.is_empty() {
            out.push('?');
            let pairs = self.query.iter().map(|(n, v)| (*n, v.as_str()));
            encode::form_pairs(pairs, &mut out);
        }
        out
    }
}

/// What a string path parameter can be given as: a value, or `None` for the client's default
/// (see [`ClientBuilder::default_path_parameter`]).
pub trait PathValue<'a> {
    /// The value, if one was given.
    fn value(self) -> Option<&'a str>;
}

impl<'a> PathValue<'a> for &'a str {
    fn value(self) -> Option<&'a str> {
        Some(self)
    }
}

impl<'a> PathValue<'a> for &'a String {
    fn value(self) -> Option<&'a str> {
        Some(self)
    }
}

impl<'a> PathValue<'a> for Option<&'a str> {
    fn value(self) -> Option<&'a str> {
        self
    }
}

impl Transport {
    /// The value of path parameter `name`: the one given, or else the client's default.
    #[allow(dead_code, reason = "used only by APIs with string path parameters")]
    pub(crate) fn path_param<'a>(
        &'a self,
        name: &'static str,
        given: Option<&'a str>,
    ) -> Result<&'a str, InvalidRequest> {
        given
            .or_else(|| self.path_defaults.get(name).map(String::as_str))
            .ok_or(InvalidRequest::MissingPathParameter { name })
    }

    /// Sends `request`, retrying as the policy allows, and reads the whole response.
    pub(crate) async fn send<E>(&self, request: Request) -> Result<Response, Error<E>> {
        let started = Instant::now();
        let path = request.path_and_query();
        let authorization = self.credentials.header()?;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let outcome = match &self.backend {
                Backend::Http(http) => self.over_http(http, &request, &path, &authorization).await,
                Backend::Responder(respond) => Ok(in_process(
                    respond,
                    &request,
                    path.clone(),
                    authorization.is_some(),
                )),
            };
            let wait = match &outcome {
                Ok(response) if retry::retryable(response.status) => {
                    self.retry.wait(attempt, response.retry_after)
                }
                Err(e) if e.is_connect() => self.retry.wait(attempt, None),
                _ => None,
            };
            if let Some(wait) = wait {
                tokio::time::sleep(wait).await;
                continue;
            }
            let status = outcome.as_ref().ok().map(|r| r.status.as_u16());
            let response_body = outcome.as_ref().ok().map(|r| r.body.as_str());
            self.log(&request, status, started, attempt, response_body);
            return match outcome {
                Ok(response) => Ok(Response {
                    attempts: attempt,
                    ..response
                }),
                Err(source) => Err(Error::Transport {
                    attempts: attempt,
                    source,
                }),
            };
        }
    }

    async fn over_http(
        &self,
        http: &reqwest::Client,
        request: &Request,
        path: &str,
        authorization: &Option<HeaderValue>,
    ) -> Result<Response, reqwest::Error> {
        let mut url = String::with_capacity(self.base_url.0.len() + path.len());
        url.push_str(&self.base_url.0);
        url.push_str(path);
        let mut builder = http.request(request.method.clone(), url);
        if let Some(types) = request.accept {
            builder = builder.header(header::ACCEPT, types);
        }
        if let Some(value) = authorization {
            builder = builder.header(header::AUTHORIZATION, value.clone());
        }
        if let Some(content_type) = request.body.content_type() {
            builder = builder
                .header(header::CONTENT_TYPE, content_type)
                .body(request.body.bytes().to_vec());
        }
        let response = builder.send().await?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get(header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| retry::parse_retry_after(v, SystemTime::now()));
        let body = response.text().await?;
        Ok(Response {
            status,
            body,
            retry_after,
            attempts: 0,
        })
    }

    /// One event per request: what was asked, what came of it, and how long it took.
    fn log(
        &self,
        request: &Request,
        status: Option<u16>,
        started: Instant,
        attempts: u32,
        response_body: Option<&str>,
    ) {
        let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let method = request.method.as_str();
        let path = request.template;
        if self.log_bodies {
            let request_body = String::from_utf8_lossy(request.body.bytes());
            tracing::debug!(
                method,
                path,
                status,
                elapsed_ms,
                attempts,
                request_body = &*request_body,
                response_body,
                "request"
            );
        } else {
            tracing::debug!(method, path, status, elapsed_ms, attempts, "request");
        }
    }
}

fn in_process(respond: &Responder, request: &Request, path: String, authorized: bool) -> Response {
    let answer = respond(&MockRequest {
        method: request.method.clone(),
        path,
        content_type: request.body.content_type(),
        authorized,
        body: request.body.bytes().to_vec(),
    });
    let retry_after = answer
        .retry_after
        .as_deref()
        .and_then(|v| retry::parse_retry_after(v, SystemTime::now()));
    Response {
        status: StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        body: answer.body,
        retry_after,
        attempts: 0,
    }
}

/// A response, read whole.
#[derive(Debug)]
pub(crate) struct Response {
    pub(crate) status: StatusCode,
    pub(crate) body: String,
    retry_after: Option<Duration>,
    attempts: u32,
}

#[allow(
    dead_code,
    reason = "each API uses only the helpers that its operations need"
)]
impl Response {
    /// Parses the body as the operation's documented success value.
    pub(crate) fn json<T: DeserializeOwned, E>(self) -> Result<T, Error<E>> {
        serde_json::from_str(&self.body).map_err(|e| self.unexpected_because(Some(e)))
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
        self.api_error_as(|body: E| body)
    }

    /// Parses the body as `B`, one of several documented error bodies, and wraps it into the
    /// operation's error type.
    pub(crate) fn api_error_as<B: DeserializeOwned, E>(
        self,
        wrap: impl FnOnce(B) -> E,
    ) -> Error<E> {
        match serde_json::from_str(&self.body) {
            Ok(body) => self.api_error_empty(wrap(body)),
            Err(e) => self.unexpected_because(Some(e)),
        }
    }

    /// A documented error status with a plain text body, wrapped into the operation's error
    /// type.
    pub(crate) fn api_error_text<E>(mut self, wrap: impl FnOnce(String) -> E) -> Error<E> {
        let body = wrap(std::mem::take(&mut self.body));
        self.api_error_empty(body)
    }

    /// A documented error status, with `body` standing for what it carried.
    pub(crate) fn api_error_empty<E>(self, body: E) -> Error<E> {
        Error::Api {
            status: self.status,
            body,
            attempts: self.attempts,
        }
    }

    /// A status this operation does not document.
    pub(crate) fn unexpected<E>(self) -> Error<E> {
        self.unexpected_because(None)
    }

    fn unexpected_because<E>(self, source: Option<serde_json::Error>) -> Error<E> {
        Error::UnexpectedResponse {
            status: self.status,
            body: self.body,
            source,
            attempts: self.attempts,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn query_strings_are_form_encoded() {
        let request = Request::new(Method::GET, "/x", "/x".to_owned())
            .query("a b", Some("c&d"))
            .query("none", None::<&str>)
            .query("n", Some(3));
        assert_eq!(request.path_and_query(), "/x?a+b=c%26d&n=3");
    }
}
