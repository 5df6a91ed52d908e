//! Content-addressed blobs: asking which are missing, and uploading them.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A blob as the client knows it: the SHA-256 of its bytes, lower-case hex,
/// and its size in bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
pub struct BlobRef {
    pub sha256: String,
    pub size: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CheckBlobsRequest {
    pub blobs: Vec<BlobRef>,
}

/// Which blobs the server lacks, and how to send each.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CheckBlobsResponse {
    pub missing: Vec<MissingBlob>,
    /// Hashes the server has already (with the same size): nothing to send.
    pub present: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MissingBlob {
    pub sha256: String,
    pub size: u64,
    pub upload: UploadInstructions,
}

/// Send the bytes with `method` to `url` with exactly `headers`, then, when
/// `complete_url` is set, `POST` an empty body to it (with the API token) so
/// the server verifies and records the blob.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct UploadInstructions {
    pub method: String,
    pub url: String,
    /// Headers to send with the bytes. `needs_auth` says whether the API
    /// token goes along too (never to a presigned URL).
    pub headers: Vec<(String, String)>,
    pub needs_auth: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complete_url: Option<String>,
}

/// A blob recorded by the server.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BlobInfo {
    pub sha256: String,
    pub size: u64,
}
