//! The error body every `/api` endpoint answers with on failure.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `{"error": {"code": "...", "message": "..."}}`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ErrorDetail {
    pub code: ErrorCode,
    /// What went wrong and what to do next, for a person.
    pub message: String,
}

/// Machine-readable error codes. Clients match on these, never on messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The request is malformed (bad JSON, a missing field, a bad value).
    BadRequest,
    /// A user, publisher, package or tag name breaks the naming rules.
    InvalidName,
    /// The data package descriptor is invalid.
    InvalidDescriptor,
    /// No credentials, or a token or password that is not valid.
    Unauthorized,
    /// The caller is known but may not do this.
    Forbidden,
    /// Missing, or not visible to the caller.
    NotFound,
    /// The thing exists already (a name, a package without `force`, a tag).
    Conflict,
    /// A blob the descriptor refers to was never uploaded.
    MissingBlob,
    /// Uploaded bytes do not match the declared size or SHA-256.
    HashMismatch,
    /// The request or an upload is larger than the server accepts.
    PayloadTooLarge,
    /// The caller is the last owner of a publisher and cannot leave it.
    LastOwner,
    /// Something failed on the server; the message never says what.
    Internal,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::InvalidName => "invalid_name",
            ErrorCode::InvalidDescriptor => "invalid_descriptor",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Conflict => "conflict",
            ErrorCode::MissingBlob => "missing_blob",
            ErrorCode::HashMismatch => "hash_mismatch",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::LastOwner => "last_owner",
            ErrorCode::Internal => "internal",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
