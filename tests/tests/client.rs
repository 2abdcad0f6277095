//! The generated client against a real HTTP server on loopback: what goes out on the wire, and
//! what each kind of answer becomes.

use authlete::types::{
    ApiResult, TokenFailRequest, TokenFailRequestReason, TokenFailResponse, TokenFailResponseAction,
};
use authlete::{BaseUrl, Client, Error, InvalidRequest, Server as Region};
use codegen_tests::{Reply, Server};

const TOKEN: &str = "V5a40R6dWvw2gMkCOBFdZcM95q4HC0Z-T0YKD9-nR6F";

fn client(server: &Server) -> Client {
    Client::builder(BaseUrl::parse(&server.base_url).unwrap())
        .bearer_token(TOKEN)
        .build()
        .unwrap()
}

fn request() -> TokenFailRequest {
    TokenFailRequest {
        ticket: "83BNqKIhGMyrkvop_7jQjv2Z1612LNdGSQKkvkrf47c".to_owned(),
        reason: TokenFailRequestReason::InvalidResourceOwnerCredentials,
    }
}

const BAD_REQUEST: &str = r#"{"resultCode":"A067301","resultMessage":"[A067301] The credentials (username & password) passed to the token endpoint are invalid.","action":"BAD_REQUEST","responseContent":"{\"error\":\"invalid_request\"}"}"#;

#[tokio::test]
async fn json_request_on_the_wire() {
    let server = Server::start(Reply::json(200, BAD_REQUEST)).await;
    client(&server)
        .auth_token_fail_api("a/b c", &request())
        .await
        .unwrap();

    let sent = server.only_request();
    assert_eq!(sent.method, "POST");
    assert_eq!(sent.target, "/api/a%2Fb%20c/auth/token/fail");
    assert_eq!(
        sent.header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(sent.header("accept"), Some("application/json"));
    let body: serde_json::Value = serde_json::from_slice(&sent.body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({
            "ticket": "83BNqKIhGMyrkvop_7jQjv2Z1612LNdGSQKkvkrf47c",
            "reason": "INVALID_RESOURCE_OWNER_CREDENTIALS",
        })
    );
}

#[tokio::test]
async fn form_request_on_the_wire() {
    let server = Server::start(Reply::json(200, BAD_REQUEST)).await;
    let mut body = request();
    body.ticket = "a b&c=d+é".to_owned();
    client(&server)
        .auth_token_fail_api_form("%41 ../x", &body)
        .await
        .unwrap();

    let sent = server.only_request();
    assert_eq!(sent.method, "POST");
    assert_eq!(sent.target, "/api/%2541%20..%2Fx/auth/token/fail");
    assert_eq!(
        sent.header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert_eq!(
        sent.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    let mut pairs: Vec<&str> = sent.body_text().split('&').collect();
    pairs.sort_unstable();
    assert_eq!(
        pairs,
        [
            "reason=INVALID_RESOURCE_OWNER_CREDENTIALS",
            "ticket=a+b%26c%3Dd%2B%C3%A9"
        ]
    );
}

#[tokio::test]
async fn every_reason_goes_out_as_its_wire_name() {
    for reason in TokenFailRequestReason::KNOWN {
        let server = Server::start(Reply::json(200, BAD_REQUEST)).await;
        let body = TokenFailRequest {
            reason: reason.clone(),
            ..request()
        };
        client(&server)
            .auth_token_fail_api("1", &body)
            .await
            .unwrap();
        let sent: serde_json::Value = serde_json::from_slice(&server.only_request().body).unwrap();
        assert_eq!(sent["reason"], reason.as_str());
    }
}

#[tokio::test]
async fn success_with_each_action_parses() {
    for (wire, action) in [
        ("BAD_REQUEST", TokenFailResponseAction::BadRequest),
        (
            "INTERNAL_SERVER_ERROR",
            TokenFailResponseAction::InternalServerError,
        ),
    ] {
        let body = format!(
            r#"{{"resultCode":"A1","resultMessage":"m","action":"{wire}","responseContent":"{{\"error\":\"x\"}}"}}"#
        );
        let server = Server::start(Reply::json(200, &body)).await;
        let response = client(&server)
            .auth_token_fail_api("1", &request())
            .await
            .unwrap();
        assert_eq!(
            response,
            TokenFailResponse {
                result_code: Some("A1".to_owned()),
                result_message: Some("m".to_owned()),
                action: Some(action),
                response_content: Some(r#"{"error":"x"}"#.to_owned()),
            }
        );
    }
}

#[tokio::test]
async fn an_unknown_action_is_kept_not_fatal() {
    let server = Server::start(Reply::json(
        200,
        r#"{"action":"CALL_THE_POLICE","extra":1}"#,
    ))
    .await;
    let response = client(&server)
        .auth_token_fail_api("1", &request())
        .await
        .unwrap();
    let action = response.action.unwrap();
    assert_eq!(
        action,
        TokenFailResponseAction::Unrecognized("CALL_THE_POLICE".to_owned())
    );
    assert_eq!(action.to_string(), "CALL_THE_POLICE");
    assert_eq!(response.response_content, None);
}

#[tokio::test]
async fn documented_error_statuses_carry_the_parsed_result() {
    for status in [400, 401, 403, 500] {
        let body = r#"{"resultCode":"A001202","resultMessage":"[A001202] Authorization header is missing."}"#;
        let server = Server::start(Reply::json(status, body)).await;
        let error = client(&server)
            .auth_token_fail_api("1", &request())
            .await
            .unwrap_err();
        let Error::Api {
            status: got,
            body,
            attempts: 1,
        } = &error
        else {
            panic!("expected Error::Api for {status}, got {error:?}");
        };
        assert_eq!(got.as_u16(), status);
        assert_eq!(
            body,
            &ApiResult {
                result_code: Some("A001202".to_owned()),
                result_message: Some("[A001202] Authorization header is missing.".to_owned()),
            }
        );
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
    }
}

#[tokio::test]
async fn an_undocumented_status_keeps_the_raw_body() {
    let html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    let server = Server::start(Reply::html(502, html)).await;
    let error = client(&server)
        .auth_token_fail_api("1", &request())
        .await
        .unwrap_err();
    match error {
        Error::UnexpectedResponse {
            status,
            body,
            source,
            attempts: 1,
        } => {
            assert_eq!(status.as_u16(), 502);
            assert_eq!(body, html);
            assert!(source.is_none());
        }
        other => panic!("expected Error::UnexpectedResponse, got {other:?}"),
    }
}

#[tokio::test]
async fn a_body_that_does_not_parse_keeps_the_raw_body_and_why() {
    for status in [200, 400] {
        let server = Server::start(Reply::html(status, "not json")).await;
        let error = client(&server)
            .auth_token_fail_api("1", &request())
            .await
            .unwrap_err();
        match error {
            Error::UnexpectedResponse {
                status: got,
                body,
                source,
                attempts: 1,
            } => {
                assert_eq!(got.as_u16(), status);
                assert_eq!(body, "not json");
                assert!(source.unwrap().is_syntax());
            }
            other => panic!("expected Error::UnexpectedResponse, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_refused_connection_is_a_transport_error() {
    // Bind to learn a free port, then close it, so nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = Client::builder(BaseUrl::parse(&format!("http://127.0.0.1:{port}")).unwrap())
        .bearer_token(TOKEN)
        .build()
        .unwrap();
    let error = client
        .auth_token_fail_api("1", &request())
        .await
        .unwrap_err();
    match &error {
        Error::Transport { attempts, source } => {
            assert_eq!(*attempts, 1);
            assert!(source.is_connect(), "{source:?}");
        }
        other => panic!("expected Error::Transport, got {other:?}"),
    }
    for printed in [
        format!("{error}"),
        format!("{error:?}"),
        format!("{client:?}"),
    ] {
        assert!(!printed.contains(TOKEN), "the token leaked: {printed}");
    }
}

#[tokio::test]
async fn path_parameters_that_would_change_the_endpoint_are_refused_unsent() {
    let server = Server::start(Reply::json(200, BAD_REQUEST)).await;
    for service_id in ["", ".", ".."] {
        let error = client(&server)
            .auth_token_fail_api(service_id, &request())
            .await
            .unwrap_err();
        assert!(
            matches!(
                error,
                Error::InvalidRequest(InvalidRequest::PathParameter { name: "serviceId" })
            ),
            "{error:?}"
        );
    }
    assert!(server.received().is_empty());
}

#[test]
fn servers_are_the_four_regions() {
    let urls: Vec<&str> = Region::ALL.iter().map(|s| s.url()).collect();
    assert_eq!(
        urls,
        [
            "https://us.authlete.com",
            "https://jp.authlete.com",
            "https://eu.authlete.com",
            "https://br.authlete.com",
        ]
    );
    let client = Client::builder(Region::Jp)
        .bearer_token(TOKEN)
        .build()
        .unwrap();
    assert_eq!(client.base_url().as_str(), "https://jp.authlete.com");
    assert!(!format!("{client:?}").contains(TOKEN));
}

#[test]
fn enums_convert_both_ways() {
    let reason: TokenFailRequestReason = "INVALID_TARGET".parse().unwrap();
    assert_eq!(reason, TokenFailRequestReason::InvalidTarget);
    assert_eq!(reason.as_str(), "INVALID_TARGET");
    assert_eq!(
        TokenFailRequestReason::from("SOMETHING_NEW"),
        TokenFailRequestReason::Unrecognized("SOMETHING_NEW".to_owned())
    );
    assert_eq!(
        serde_json::to_string(&TokenFailResponseAction::InternalServerError).unwrap(),
        r#""INTERNAL_SERVER_ERROR""#
    );
}
