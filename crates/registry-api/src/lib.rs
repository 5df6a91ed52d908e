//! The wire types of the data registry's REST API.
//!
//! Both the `data` client and the `data-registry` server serialise exactly
//! these types, so the two can never disagree about a field. The crate holds
//! serde types, the error body and the URL paths; no HTTP library.

pub mod auth;
pub mod blob;
pub mod error;
pub mod names;
pub mod package;
pub mod paths;
pub mod publisher;
pub mod search;

pub use error::{ErrorBody, ErrorCode, ErrorDetail};
