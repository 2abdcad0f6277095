//! Operations written by hand in the shape the generator emits them, so that every helper of
//! `transport` is used, type-checked and tested here, in the crate the templates live in.

use serde::{Deserialize, Serialize};

use crate::Client;
use crate::encode::Segment;
use crate::error::Error;
use crate::transport::{Body, Request};

/// A body of each direction.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Note {
    pub text: String,
}

/// Error bodies that differ by status.
#[derive(Clone, Debug, PartialEq)]
pub enum NoteError {
    BadRequest(Note),
    Conflict(String),
    NotFound,
}

impl Client {
    /// `PUT /notes/{id}` with a JSON body and a query parameter.
    pub async fn put_note(
        &self,
        id: impl crate::PathValue<'_>,
        draft: Option<bool>,
        body: &Note,
    ) -> Result<Note, Error<NoteError>> {
        let id = self.transport.path_param("id", id.value())?;
        let path = crate::encode::path(&[Segment::Literal("/notes/"), Segment::Param("id", id)])?;
        let request = Request::new(reqwest::Method::PUT, "/notes/{id}", path)
            .query("draft", draft)
            .body(Body::json(body)?);
        let response = self.transport.send(request).await?;
        match response.status.as_u16() {
            200 | 201 => response.json(),
            400 => Err(response.api_error_as(NoteError::BadRequest)),
            404 => Err(response.api_error_empty(NoteError::NotFound)),
            409 => Err(response.api_error_text(NoteError::Conflict)),
            _ => Err(response.unexpected()),
        }
    }

    /// `POST /notes` with a form body.
    pub async fn post_note_form(&self, body: &Note) -> Result<(), Error<Note>> {
        let path = crate::encode::path(&[Segment::Literal("/notes")])?;
        let request = Request::new(reqwest::Method::POST, "/notes", path).body(Body::form(body)?);
        let response = self.transport.send(request).await?;
        match response.status.as_u16() {
            204 => response.empty(),
            400..=499 => Err(response.api_error()),
            _ => Err(response.unexpected()),
        }
    }

    /// `POST /echo` with a text body and a text answer.
    pub async fn echo(&self, body: &str) -> Result<String, Error<()>> {
        let path = crate::encode::path(&[Segment::Literal("/echo")])?;
        let request = Request::new(reqwest::Method::POST, "/echo", path)
            .accept("text/plain")
            .body(Body::text(body));
        let response = self.transport.send(request).await?;
        match response.status.as_u16() {
            200 => response.text(),
            500 => Err(response.api_error_empty(())),
            _ => Err(response.unexpected()),
        }
    }
}

/// A server list of one, the way the generator emits `Server`.
#[derive(Clone, Copy, Debug)]
pub enum SampleServer {
    Local,
}

impl From<SampleServer> for crate::BaseUrl {
    fn from(_: SampleServer) -> Self {
        crate::BaseUrl::known("http://127.0.0.1:1")
    }
}
