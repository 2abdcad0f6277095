//! The parts of every generated crate that do not depend on the spec, compiled and tested here
//! as a crate of their own. The generator copies every module but `sample` into its output
//! verbatim, behind a header; `sample` is not copied: it is an operation written by hand the way
//! the generator writes them, so that every helper is used and checked here.

pub mod decode;
pub mod encode;
pub mod error;
pub mod mock;
pub mod retry;
pub mod sample;
pub mod transport;

pub use error::{BuildError, Error, InvalidRequest};
pub use mock::{MockRequest, MockResponse};
pub use retry::RetryPolicy;
pub use transport::{BaseUrl, Client, ClientBuilder, PathValue};
