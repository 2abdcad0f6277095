//! Serves the token endpoint of [`token_server::app`], with its settings taken from the
//! environment (see the README).

use std::error::Error;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use authlete::{BaseUrl, Client};
use token_server::Config;

/// Where the server listens unless `TOKEN_SERVER_ADDR` says otherwise: loopback only, so that
/// nothing is exposed by accident.
const DEFAULT_ADDR: &str = "127.0.0.1:8080";

/// How long one call to Authlete may take. The client application is waiting for the answer,
/// so this is shorter than the generated client's default.
const AUTHLETE_TIMEOUT: Duration = Duration::from_secs(10);

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("token-server: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    // No default base URL: a server started without one must not talk to any real cluster.
    let base_url = BaseUrl::parse(&required("AUTHLETE_BASE_URL")?).map_err(|e| chain(&e))?;
    let service_id = required("AUTHLETE_SERVICE_ID")?;
    let token = required("AUTHLETE_TOKEN")?;
    let addr: SocketAddr = match std::env::var("TOKEN_SERVER_ADDR") {
        Ok(addr) => addr
            .parse()
            .map_err(|e| format!("TOKEN_SERVER_ADDR `{addr}`: {e}"))?,
        Err(_) => DEFAULT_ADDR.parse().expect("the default address parses"),
    };

    let authlete = Client::builder(base_url)
        .bearer_token(token)
        .timeout(AUTHLETE_TIMEOUT)
        .build()
        .map_err(|e| chain(&e))?;
    let app = token_server::app(Config {
        authlete,
        service_id,
    });

    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    eprintln!("token-server: listening on http://{addr}/token");
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            // If the signal handler cannot be installed, the server runs until it is killed.
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        })
        .await
        .map_err(|e| format!("serving: {e}"))
}

/// The value of the environment variable `name`, which must be set and not empty.
fn required(name: &str) -> Result<String, String> {
    match std::env::var(name) {
        Ok(value) if !value.is_empty() => Ok(value),
        _ => Err(format!("{name} must be set (see the README)")),
    }
}

/// The error and all its causes, on one line.
fn chain(err: &dyn Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
