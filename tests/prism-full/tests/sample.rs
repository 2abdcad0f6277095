//! The client generated from Authlete's whole description against Prism serving the same
//! description: one operation or more for each shape of parameter, body and response that the
//! description uses, each answer compared with the description's own example for its status.
//!
//! Every expectation is read from the spec beside this crate's manifest, so that the test says
//! "what the description promises" rather than a copy of it that could drift. Prism is the
//! binary that `PRISM` names; the scratch workspace that runs this crate sets it.

mod support {
    pub mod prism_process;
}

use std::fmt::Debug;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use authlete_full::reqwest::{self, Method};
use authlete_full::types::{
    ApiClient, ApiResult, AuthorizationFailRequest, ClientAuthorizationUpdateApiError,
    ClientAuthorizationUpdateRequest, ClientDeleteApiError, TokenRevokeRequest, UserinfoRequest,
};
use authlete_full::{BaseUrl, Client, ClientBuilder, Error};
use serde_json::Value;
use support::prism_process::PrismProcess;
use tokio::task::JoinHandle;

/// The ids of the spec's own request samples.
const SERVICE_ID: &str = "21653835348762";
const CLIENT_ID: &str = "26478243745571";

const CLIENT_GET: &str = "/api/{serviceId}/client/get/{clientId}";
const SERVICE_LIST: &str = "/api/service/get/list";
const CLIENT_LIST: &str = "/api/{serviceId}/client/get/list";
const AUTHORIZATIONS: &str = "/api/{serviceId}/client/authorization/get/list";
const CLIENT_CREATE: &str = "/api/{serviceId}/client/create";
const CLIENT_TOKENS_UPDATE: &str = "/api/{serviceId}/client/authorization/update/{clientId}";
const GRANTED_SCOPES: &str = "/api/{serviceId}/client/granted_scopes/get/{clientId}";
const CONFIGURATION: &str = "/api/{serviceId}/service/configuration";
const AUTHORIZATION_FAIL: &str = "/api/{serviceId}/auth/authorization/fail";
const TOKEN_REVOKE: &str = "/api/{serviceId}/auth/token/revoke";
const USERINFO: &str = "/api/{serviceId}/auth/userinfo";
const HEALTHCHECK: &str = "/api/lifecycle/healthcheck";

/// Checks an answer against an example as JSON, so that a property that the type lost, renamed
/// or added shows up as a difference. A macro, for `serde_json::to_value` to see the type.
macro_rules! assert_as_json {
    ($answer:expr, $example:expr, $($what:tt)+) => {
        assert_eq!(serde_json::to_value($answer).unwrap(), $example, $($what)+)
    };
}

#[tokio::test]
async fn sampled_operations_answer_as_the_spec_says() {
    let prism = Arc::new(Prism::start());
    // Concurrently, since Prism takes the sample in well under a second; each case in a task
    // of its own, so that one failure does not hide the others.
    let cases = [
        spawn(&prism, "string path parameters", path_parameters),
        spawn(&prism, "string and integer query", string_and_integer_query),
        spawn(&prism, "boolean query", boolean_query),
        spawn(&prism, "JSON body, 200 and 201", created_either_way),
        spawn(&prism, "JSON and form bodies", json_and_form_bodies),
        spawn(&prism, "204 and an error enum", no_content_and_error_enum),
        spawn(&prism, "examples off their schema", examples_off_schema),
        spawn(&prism, "Prism's own verdicts", refusals),
    ];
    let mut failed = Vec::new();
    for (name, case) in cases {
        if case.await.is_err() {
            failed.push(name);
        }
    }
    assert!(failed.is_empty(), "failed, as printed above: {failed:?}");
}

/// Runs `case` in a task of its own, whose panic the test reports by `name`.
fn spawn<F>(
    prism: &Arc<Prism>,
    name: &'static str,
    case: impl FnOnce(Arc<Prism>) -> F,
) -> (&'static str, JoinHandle<()>)
where
    F: Future<Output = ()> + Send + 'static,
{
    (name, tokio::spawn(case(Arc::clone(prism))))
}

/// The client asks for what the operation documents: here `text/plain` alone, which a server
/// that honours `Accept` would refuse to send to a client asking for JSON.
#[tokio::test]
async fn a_text_plain_answer_arrives_as_text() {
    let prism = Prism::start();
    let client = prism.builder().build().unwrap();
    let expected = response_example(HEALTHCHECK, "get", "200", "text/plain");
    for extended in [None, Some(true), Some(false)] {
        let answer = client.get_api_lifecycle_healthcheck(extended).await;
        assert_eq!(
            answer.unwrap(),
            expected.as_str().unwrap(),
            "extended {extended:?}"
        );
    }
}

/// Two string path parameters, given as `&str`, as `&String`, and as `None` for the client's
/// defaults.
async fn path_parameters(prism: Arc<Prism>) {
    let expected = json_example(CLIENT_GET, "get", "200");
    let answer = prism.client().client_get_api(SERVICE_ID, CLIENT_ID).await;
    let answer = answer.unwrap();
    assert_eq!(answer.client_id, Some(26_478_243_745_571));
    assert_as_json!(answer, expected, "client_get_api");

    let alias = String::from("my client");
    let answer = prism.client().client_get_api(SERVICE_ID, &alias).await;
    assert_as_json!(answer.unwrap(), expected, "client_get_api by alias");
    let path = format!("/api/{SERVICE_ID}/client/get/my%20client");
    prism.assert_received("get", &path).await;

    let defaults = prism
        .builder()
        .default_service_id("715948317")
        .default_client_id("1140735077")
        .build()
        .unwrap();
    let answer = defaults.client_get_api(None, None).await;
    assert_as_json!(answer.unwrap(), expected, "client_get_api with defaults");
    let path = "/api/715948317/client/get/1140735077";
    prism.assert_received("get", path).await;
}

/// Optional `int32` query parameters, alone and beside optional and required string ones.
async fn string_and_integer_query(prism: Arc<Prism>) {
    let client = prism.client();
    // Prism answers with the first of the named examples.
    let expected = named_example(SERVICE_LIST, "get", "200", "full");
    let answer = client.service_get_list_api(Some(0), Some(5)).await;
    assert_as_json!(answer.unwrap(), expected, "service_get_list_api");

    let expected = named_example(CLIENT_LIST, "get", "200", "full");
    let answer = client
        .client_get_list_api(SERVICE_ID, Some("john"), Some(0), Some(5))
        .await;
    assert_as_json!(answer.unwrap(), expected, "client_get_list_api");
    let answer = client
        .client_get_list_api(SERVICE_ID, None, None, Some(3))
        .await;
    assert_as_json!(answer.unwrap(), expected, "client_get_list_api, end only");

    let expected = json_example(AUTHORIZATIONS, "get", "200");
    let answer = client.client_authorization_get_list_api(SERVICE_ID, "john", None, Some(1), None);
    assert_as_json!(
        answer.await.unwrap(),
        expected,
        "client_authorization_get_list_api"
    );
}

/// A boolean query parameter beside a string one that needs escaping, and a free-form object
/// as the answer.
async fn boolean_query(prism: Arc<Prism>) {
    let client = prism.client();
    let expected = json_example(CONFIGURATION, "get", "200");
    let patch = r#"[{"op":"replace","path":"/issuer","value":"https://a.example/?x=1&y=2"}]"#;
    for (pretty, patch) in [(Some(true), Some(patch)), (Some(false), None), (None, None)] {
        let answer = client
            .service_configuration_api(SERVICE_ID, pretty, patch)
            .await;
        let what = format!("service_configuration_api, pretty {pretty:?}");
        assert_eq!(Value::Object(answer.unwrap()), expected, "{what}");
    }
}

/// The spec's request example as a JSON body, and the two successes documented for it: Prism
/// picks 200, the lowest, unless asked for 201.
async fn created_either_way(prism: Arc<Prism>) {
    let body: ApiClient = serde_json::from_value(request_example(CLIENT_CREATE, "post")).unwrap();
    let answer = prism
        .client()
        .client_create_api(SERVICE_ID, Some(&body))
        .await;
    let expected = json_example(CLIENT_CREATE, "post", "200");
    assert_as_json!(answer.unwrap(), expected, "client_create_api, 200");

    let created = prism
        .preferring(201)
        .client_create_api(SERVICE_ID, Some(&body))
        .await;
    let expected = json_example(CLIENT_CREATE, "post", "201");
    let created = created.unwrap();
    assert_eq!(created.client_secret.as_deref().map(str::len), Some(86));
    assert_as_json!(created, expected, "client_create_api, 201");
}

/// The same bodies sent as JSON and form-encoded: a required enum, text that a form must
/// escape, and a body whose every property is optional.
async fn json_and_form_bodies(prism: Arc<Prism>) {
    let client = prism.client();
    let expected = json_example(AUTHORIZATION_FAIL, "post", "200");
    let mut body: AuthorizationFailRequest =
        serde_json::from_value(request_example(AUTHORIZATION_FAIL, "post")).unwrap();
    let json = client.auth_authorization_fail_api(SERVICE_ID, &body).await;
    assert_as_json!(json.unwrap(), expected, "auth_authorization_fail_api");
    let form = client
        .auth_authorization_fail_api_form(SERVICE_ID, &body)
        .await;
    assert_as_json!(form.unwrap(), expected, "auth_authorization_fail_api_form");
    body.description = Some("a b&c=d+e%f/é\n".to_owned());
    let form = client
        .auth_authorization_fail_api_form(SERVICE_ID, &body)
        .await;
    assert_as_json!(
        form.unwrap(),
        expected,
        "auth_authorization_fail_api_form, escaped"
    );

    let expected = json_example(TOKEN_REVOKE, "post", "200");
    let body: TokenRevokeRequest =
        serde_json::from_value(request_example(TOKEN_REVOKE, "post")).unwrap();
    let json = client.auth_token_revoke_api(SERVICE_ID, &body).await;
    let json = json.unwrap();
    assert_eq!(json.count, Some(1));
    assert_as_json!(json, expected, "auth_token_revoke_api");
    let form = client.auth_token_revoke_api_form(SERVICE_ID, &body).await;
    assert_as_json!(form.unwrap(), expected, "auth_token_revoke_api_form");
}

/// A 204, and operations whose error type is an enum because their 404 has no body while
/// their other errors carry `result`.
async fn no_content_and_error_enum(prism: Arc<Prism>) {
    let deleted = prism
        .client()
        .client_delete_api(SERVICE_ID, CLIENT_ID)
        .await;
    assert!(matches!(deleted, Ok(())), "{deleted:?}");
    let client = prism.preferring(404);
    let missing = client.client_delete_api(SERVICE_ID, CLIENT_ID).await;
    assert_api(missing, 404, ClientDeleteApiError::NotFound);
    let client = prism.preferring(403);
    let forbidden = client.client_delete_api(SERVICE_ID, CLIENT_ID).await;
    let example = error_example(403);
    assert_api(forbidden, 403, ClientDeleteApiError::Forbidden(example));

    let expected = json_example(CLIENT_TOKENS_UPDATE, "post", "200");
    let body = ClientAuthorizationUpdateRequest {
        subject: "john".to_owned(),
        scopes: Some(vec!["history.read".to_owned(), "timeline.read".to_owned()]),
    };
    let client = prism.client();
    let json = client.client_authorization_update_api(SERVICE_ID, CLIENT_ID, Some(&body));
    assert_as_json!(
        json.await.unwrap(),
        expected,
        "client_authorization_update_api"
    );

    // Without scopes: Prism 5 reads a repeated form key as one string, not as the array that
    // OpenAPI's default form style makes of it, and would refuse a list that the spec allows.
    let body = ClientAuthorizationUpdateRequest {
        scopes: None,
        ..body
    };
    let errors = [
        (200, None),
        (404, Some(ClientAuthorizationUpdateApiError::NotFound)),
        (
            400,
            Some(ClientAuthorizationUpdateApiError::BadRequest(
                error_example(400),
            )),
        ),
        (
            500,
            Some(ClientAuthorizationUpdateApiError::InternalServerError(
                error_example(500),
            )),
        ),
    ];
    for (status, error) in errors {
        let client = prism.preferring(status);
        let form = client.client_authorization_update_api_form(SERVICE_ID, CLIENT_ID, Some(&body));
        match error {
            None => assert_as_json!(form.await.unwrap(), expected, "the same, form-encoded"),
            Some(error) => assert_api(form.await, status, error),
        }
    }
}

/// Where the spec's example does not fit its own schema, Prism sends it as it is: a value of
/// the wrong type is the client's `UnexpectedResponse` with the raw body, and a property the
/// schema lacks is dropped.
async fn examples_off_schema(prism: Arc<Prism>) {
    let body: UserinfoRequest = serde_json::from_value(request_example(USERINFO, "post")).unwrap();
    let answer = prism.client().auth_userinfo_api(SERVICE_ID, &body).await;
    let expected = json_example(USERINFO, "post", "200");
    assert_eq!(
        expected["clientId"], "15518267821",
        "the spec's example changed"
    );
    assert_unexpected(answer, 200, &expected);

    let body = TokenRevokeRequest {
        subject: Some("john".to_owned()),
        ..TokenRevokeRequest::default()
    };
    let answer = prism
        .preferring(404)
        .auth_token_revoke_api(SERVICE_ID, &body)
        .await;
    let expected = json_example(TOKEN_REVOKE, "post", "404");
    assert_eq!(expected["resultCode"], 404, "the spec's example changed");
    assert_unexpected(answer, 404, &expected);

    let answer = prism
        .client()
        .client_granted_scopes_get_api(SERVICE_ID, CLIENT_ID, "j")
        .await;
    let expected = json_example(GRANTED_SCOPES, "get", "200");
    assert_eq!(
        expected["type"], "GrantedScopesGetResponse",
        "the spec's example changed"
    );
    let answer = answer.unwrap();
    assert_eq!(answer.merged_granted_scopes.as_ref().map(Vec::len), Some(2));
    assert_as_json!(answer, without(&expected, "type"), "granted scopes");
}

/// Requests that no generated client would send, so that the answers above are known to come
/// from a Prism that checks requests against the whole spec; each refusal beside a valid twin,
/// so that it is down to the one fault.
async fn refusals(prism: Arc<Prism>) {
    let fail = format!("/api/{SERVICE_ID}/auth/authorization/fail");
    let valid = r#"{"ticket":"t","reason":"NOT_AUTHENTICATED"}"#;
    prism.send(post(&fail, JSON, valid)).await.assert(200, None);
    let anonymous = post(&fail, JSON, valid).anonymous();
    let problem = "Invalid security scheme";
    prism.send(anonymous).await.assert(401, Some(problem));
    let missing = post(&fail, JSON, r#"{"ticket":"t"}"#);
    let problem = "must have required property 'reason'";
    prism.send(missing).await.assert(400, Some(problem));
    let unknown = post(&fail, JSON, r#"{"ticket":"t","reason":"BORED"}"#);
    let problem = "must be equal to one of the allowed values";
    prism.send(unknown).await.assert(400, Some(problem));
    let valid = post(&fail, FORM, "ticket=t&reason=DENIED");
    prism.send(valid).await.assert(200, None);
    let missing = post(&fail, FORM, "reason=DENIED");
    let problem = "must have required property 'ticket'";
    prism.send(missing).await.assert(400, Some(problem));

    let list = format!("/api/{SERVICE_ID}/client/get/list");
    let valid = get(format!("{list}?start=1&end=2"));
    prism.send(valid).await.assert(200, None);
    let words = get(format!("{list}?start=one"));
    let problem = "must be integer";
    prism.send(words).await.assert(400, Some(problem));
    let configuration = format!("/api/{SERVICE_ID}/service/configuration");
    let valid = get(format!("{configuration}?pretty=true"));
    prism.send(valid).await.assert(200, None);
    let number = get(format!("{configuration}?pretty=1"));
    let problem = "must be boolean";
    prism.send(number).await.assert(400, Some(problem));
}

const JSON: &str = "application/json";
const FORM: &str = "application/x-www-form-urlencoded";

/// A request sent by hand, to say what no generated client would.
#[derive(Debug)]
struct Raw {
    method: Method,
    target: String,
    /// The content type and the body.
    body: Option<(&'static str, &'static str)>,
    bearer: bool,
}

impl Raw {
    /// The same request without a token.
    fn anonymous(self) -> Self {
        Self {
            bearer: false,
            ..self
        }
    }
}

fn post(target: &str, content_type: &'static str, body: &'static str) -> Raw {
    Raw {
        method: Method::POST,
        target: target.to_owned(),
        body: Some((content_type, body)),
        bearer: true,
    }
}

fn get(target: String) -> Raw {
    Raw {
        method: Method::GET,
        target,
        body: None,
        bearer: true,
    }
}

/// What Prism made of a raw request: its status, and the problems it found with the request.
struct Verdict {
    request: Raw,
    status: u16,
    violations: String,
}

impl Verdict {
    /// Checks the status, and that the problems found mention `problem`, or that there are
    /// none.
    fn assert(&self, status: u16, problem: Option<&str>) {
        let case = format!("{:?}, found: {}", self.request, self.violations);
        assert_eq!(self.status, status, "{case}");
        match problem {
            Some(problem) => assert!(self.violations.contains(problem), "{case}"),
            None => assert_eq!(self.violations, "", "{case}"),
        }
    }
}

/// Prism serving the full spec. Without `--errors`: with it, Prism would put a 500 of its own in
/// place of every example that breaks its schema, and the client's handling of such answers
/// would go untested. Requests that break the spec are refused either way.
struct Prism(PrismProcess);

impl Prism {
    fn start() -> Self {
        let binary = std::env::var_os("PRISM")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                panic!("PRISM must name the Prism binary; the scratch run of compile.rs sets it")
            });
        // Prism reads the whole spec before it listens, which takes seconds.
        Self(PrismProcess::start(
            &binary,
            &spec_path(),
            &[],
            Duration::from_secs(60),
        ))
    }

    /// A builder for Prism, with a token, since the spec wants one for every operation but
    /// the health check.
    fn builder(&self) -> ClientBuilder {
        // A hung Prism fails the test in seconds rather than at the client's default timeout.
        Client::builder(BaseUrl::parse(&self.url()).unwrap())
            .timeout(Duration::from_secs(10))
            .bearer_token("a-service-token")
    }

    fn client(&self) -> Client {
        self.builder().build().unwrap()
    }

    /// A client whose requests ask Prism for the documented response with `status`.
    fn preferring(&self, status: u16) -> Client {
        let mut headers = reqwest::header::HeaderMap::new();
        let prefer = format!("code={status}").parse().unwrap();
        headers.insert("prefer", prefer);
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap();
        self.builder().http_client(http).build().unwrap()
    }

    /// Sends `request` as it is, with a token unless it is anonymous.
    async fn send(&self, request: Raw) -> Verdict {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap();
        let url = format!("{}{}", self.url(), request.target);
        let mut builder = http
            .request(request.method.clone(), url)
            .header("accept", JSON);
        if request.bearer {
            builder = builder.header("authorization", "Bearer a-service-token");
        }
        if let Some((content_type, body)) = request.body {
            builder = builder.header("content-type", content_type).body(body);
        }
        let answer = builder.send().await.unwrap();
        let violations = answer.headers().get("sl-violations");
        let violations = violations.map(|v| v.to_str().unwrap().to_owned());
        Verdict {
            status: answer.status().as_u16(),
            violations: violations.unwrap_or_default(),
            request,
        }
    }

    /// Waits until Prism has logged a request for `path`: the log is the only place that shows
    /// the path exactly as it arrived. Asynchronously, since the other cases share the thread.
    async fn assert_received(&self, method: &str, path: &str) {
        let line = format!("{method} {path} ");
        let deadline = Instant::now() + Duration::from_secs(5);
        while !self.log().contains(&line) {
            assert!(Instant::now() < deadline, "Prism logged no {method} {path}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl std::ops::Deref for Prism {
    type Target = PrismProcess;

    fn deref(&self) -> &PrismProcess {
        &self.0
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("Prism's output:\n{}", self.log());
        }
    }
}

fn spec_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi.yaml")
}

/// The spec as JSON, read once.
fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let path = spec_path();
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    })
}

/// The node at `pointer`, which must be there.
fn at(pointer: &str) -> &'static Value {
    spec()
        .pointer(pointer)
        .unwrap_or_else(|| panic!("the spec has nothing at {pointer}"))
}

/// The pointer to an operation, escaped as JSON pointers want the path's `/`.
fn operation(path: &str, method: &str) -> String {
    format!(
        "/paths/{}/{method}",
        path.replace('~', "~0").replace('/', "~1")
    )
}

/// The content of the response with `status` in `media_type`, through a `$ref` if it is one.
fn response_content(path: &str, method: &str, status: &str, media_type: &str) -> &'static Value {
    let mut response = at(&format!("{}/responses/{status}", operation(path, method)));
    if let Some(Value::String(reference)) = response.get("$ref") {
        response = at(reference.strip_prefix('#').unwrap());
    }
    let content = &response["content"][media_type];
    assert!(
        content.is_object(),
        "{method} {path} has no {media_type} answer for {status}"
    );
    content
}

fn response_example(path: &str, method: &str, status: &str, media_type: &str) -> Value {
    let content = response_content(path, method, status, media_type);
    let example = content.get("example");
    example
        .unwrap_or_else(|| panic!("{method} {path} {status}: no example"))
        .clone()
}

fn json_example(path: &str, method: &str, status: &str) -> Value {
    response_example(path, method, status, "application/json")
}

fn named_example(path: &str, method: &str, status: &str, name: &str) -> Value {
    let content = response_content(path, method, status, "application/json");
    let example = &content["examples"][name]["value"];
    assert!(
        !example.is_null(),
        "{method} {path} {status}: no example {name}"
    );
    example.clone()
}

fn request_example(path: &str, method: &str) -> Value {
    let pointer = format!(
        "{}/requestBody/content/application~1json/example",
        operation(path, method)
    );
    at(&pointer).clone()
}

/// The spec's example of the error statuses that share the `result` schema.
fn error_example(status: u16) -> ApiResult {
    let pointer = format!("/components/responses/{status}/content/application~1json/example");
    serde_json::from_value(at(&pointer).clone()).unwrap()
}

/// `object` without its property `name`.
fn without(object: &Value, name: &str) -> Value {
    let mut object = object.clone();
    object.as_object_mut().unwrap().remove(name).unwrap();
    object
}

fn assert_api<T: Debug, E: Debug + PartialEq>(answer: Result<T, Error<E>>, status: u16, body: E) {
    match answer {
        Err(Error::Api {
            status: got,
            body: got_body,
            attempts,
        }) => {
            assert_eq!((got.as_u16(), attempts), (status, 1));
            assert_eq!(got_body, body, "status {status}");
        }
        other => panic!("expected the documented {status}, got {other:?}"),
    }
}

/// Checks that an example that does not fit its type arrived as `UnexpectedResponse`, with
/// the status, the example itself as the body, and why it did not parse.
fn assert_unexpected<T: Debug, E: Debug>(
    answer: Result<T, Error<E>>,
    status: u16,
    example: &Value,
) {
    match answer {
        Err(Error::UnexpectedResponse {
            status: got,
            body,
            source,
            ..
        }) => {
            assert_eq!(got.as_u16(), status);
            assert!(source.is_some(), "a body that does not parse says why");
            let sent: Value = serde_json::from_str(&body).unwrap();
            assert_eq!(&sent, example);
        }
        other => panic!("expected {status} as an unexpected response, got {other:?}"),
    }
}
