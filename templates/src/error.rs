//! The error every operation returns: what the API answered, or why there was no answer.

use reqwest::StatusCode;

/// Why an operation did not return its success value.
///
/// `E` is the body the API documents for its error statuses, parsed.
#[derive(Debug, thiserror::Error)]
pub enum Error<E> {
    /// The server answered with an error status that the API documents, and its body parsed.
    #[error("the server answered {status}")]
    Api {
        /// The status of the response.
        status: StatusCode,
        /// The parsed body of the response.
        body: E,
        /// How many times the request was sent (more than once only when retries are on).
        attempts: u32,
    },

    /// The server answered with a status the API does not document for this operation, or with
    /// a body that does not parse as documented.
    #[error("unexpected response from the server: {status}")]
    UnexpectedResponse {
        /// The status of the response.
        status: StatusCode,
        /// The body of the response, as text.
        body: String,
        /// Why the body did not parse, when a body of a known shape was expected.
        #[source]
        source: Option<serde_json::Error>,
        /// How many times the request was sent (more than once only when retries are on).
        attempts: u32,
    },

    /// The request was refused before it was sent, because it would not reach the endpoint as
    /// meant.
    #[error("invalid request")]
    InvalidRequest(#[from] InvalidRequest),

    /// The request could not be sent, or the response could not be read.
    #[error("the request failed after {attempts} attempt(s)")]
    Transport {
        /// How many times the request was sent.
        attempts: u32,
        /// What went wrong the last time.
        #[source]
        source: reqwest::Error,
    },
}

impl<E> Error<E> {
    /// How many times the request was sent; zero when it was refused before sending.
    pub fn attempts(&self) -> u32 {
        match self {
            Self::Api { attempts, .. }
            | Self::UnexpectedResponse { attempts, .. }
            | Self::Transport { attempts, .. } => *attempts,
            Self::InvalidRequest(_) => 0,
        }
    }

    /// The status of the response, when there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Api { status, .. } | Self::UnexpectedResponse { status, .. } => Some(*status),
            Self::InvalidRequest(_) => None,
            Self::Transport { source, .. } => source.status(),
        }
    }
}

/// A request that was refused before anything was sent.
#[derive(Debug, thiserror::Error)]
pub enum InvalidRequest {
    /// A path parameter would change which endpoint the request reaches.
    #[error("path parameter `{name}` must not be empty, `.` or `..`")]
    PathParameter {
        /// The parameter's name in the API description.
        name: &'static str,
    },

    /// An operation was called with `None` for a path parameter that the client has no
    /// default for.
    #[error("path parameter `{name}` was not given and the client has no default for it")]
    MissingPathParameter {
        /// The parameter's name in the API description.
        name: &'static str,
    },

    /// The bearer token supplier returned a token that cannot be sent in an HTTP header.
    #[error("the bearer token contains characters that cannot be sent in an HTTP header")]
    Token,

    /// The body could not be encoded in the chosen content type.
    #[error("the request body cannot be encoded as {content_type}: {reason}")]
    Body {
        /// The content type that was asked for.
        content_type: &'static str,
        /// What could not be encoded.
        reason: String,
    },
}

/// Why a [`Client`](crate::Client) could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The base URL is not an absolute `http` or `https` URL without query or fragment.
    #[error("invalid base URL `{url}`: {reason}")]
    BaseUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },

    /// The bearer token cannot be sent in an HTTP header.
    #[error("the bearer token contains characters that cannot be sent in an HTTP header")]
    Token,

    /// The HTTP client could not be set up.
    #[error("the HTTP client could not be set up")]
    Http(#[source] reqwest::Error),
}
