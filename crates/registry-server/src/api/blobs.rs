//! Blob uploads: the client asks which of its hashes are missing and sends
//! only those, through the server (local store) or straight to S3 with a
//! presigned URL.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use registry_api::blob::{
    BlobInfo, BlobRef, CheckBlobsRequest, CheckBlobsResponse, MissingBlob, UploadInstructions,
};
use registry_api::ErrorCode;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::app::AppState;
use crate::auth::AuthUser;
use crate::db::models::blobs;
use crate::error::{ApiError, ApiResult};
use crate::storage::{is_sha256_hex, UploadError};

/// Hashes asked about in one request.
const MAX_CHECK: usize = 10_000;

fn check_hash(sha256: &str) -> Result<(), ApiError> {
    if is_sha256_hex(sha256) {
        Ok(())
    } else {
        Err(ApiError::bad_request(format!(
            "{sha256:?} is not a SHA-256: send 64 lower-case hex digits"
        )))
    }
}

fn check_size(state: &AppState, sha256: &str, size: u64) -> Result<(), ApiError> {
    if size > state.max_upload_bytes {
        return Err(ApiError::too_large(format!(
            "blob {sha256} has {size} bytes; this registry accepts at most {} bytes per file",
            state.max_upload_bytes
        )));
    }
    Ok(())
}

fn upload_refused(error: UploadError) -> ApiError {
    match error {
        UploadError::Store(e) => ApiError::from(e),
        UploadError::Body(message) => ApiError::bad_request(format!(
            "the upload was cut off ({message}); nothing was stored, send it again"
        )),
        UploadError::NoStagedUpload => ApiError::not_found(
            "nothing was uploaded under this id: PUT the bytes to the presigned URL first",
        ),
        UploadError::Hashing(detail) => ApiError::internal(detail),
        other => ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::HashMismatch,
            format!("{other}; nothing was stored"),
        ),
    }
}

#[utoipa::path(post, path = "/api/blobs/check", tag = "blobs", security(("token" = [])),
    request_body = CheckBlobsRequest,
    responses((status = 200, body = CheckBlobsResponse),
              (status = 413, description = "A blob is larger than the server accepts", body = registry_api::ErrorBody)))]
pub async fn check(
    state: web::Data<AppState>,
    AuthUser(_user): AuthUser,
    body: web::Json<CheckBlobsRequest>,
) -> ApiResult<HttpResponse> {
    let mut wanted: Vec<BlobRef> = body.into_inner().blobs;
    if wanted.len() > MAX_CHECK {
        return Err(ApiError::bad_request(format!(
            "ask about at most {MAX_CHECK} blobs at once"
        )));
    }
    for blob in &wanted {
        check_hash(&blob.sha256)?;
        check_size(&state, &blob.sha256, blob.size)?;
    }
    wanted.sort_by(|a, b| a.sha256.cmp(&b.sha256));
    wanted.dedup();
    let hashes: Vec<String> = wanted.iter().map(|b| b.sha256.clone()).collect();
    let known = state
        .db
        .run(move |conn| blobs::sizes(conn, &hashes))
        .await?;
    let mut missing = Vec::new();
    let mut present = Vec::new();
    for blob in wanted {
        match known.get(&blob.sha256) {
            Some(&size) if size as u64 == blob.size => present.push(blob.sha256),
            Some(&size) => {
                return Err(ApiError::bad_request(format!(
                    "blob {} has {size} bytes here, not {}: the size or the hash is wrong",
                    blob.sha256, blob.size
                )))
            }
            None => {
                let upload = instructions(&state, &blob).await?;
                missing.push(MissingBlob {
                    sha256: blob.sha256,
                    size: blob.size,
                    upload,
                });
            }
        }
    }
    Ok(HttpResponse::Ok().json(CheckBlobsResponse { missing, present }))
}

async fn instructions(state: &AppState, blob: &BlobRef) -> Result<UploadInstructions, ApiError> {
    let octets = (
        "Content-Type".to_string(),
        "application/octet-stream".to_string(),
    );
    if state.store.presigns() {
        let (id, url) = state.store.presign_upload(state.presign).await?;
        Ok(UploadInstructions {
            method: "PUT".to_string(),
            url: url.to_string(),
            headers: vec![octets],
            needs_auth: false,
            complete_url: Some(format!(
                "{}/api/blobs/{}/complete?upload_id={id}&size={}",
                state.public_base, blob.sha256, blob.size
            )),
        })
    } else {
        Ok(UploadInstructions {
            method: "PUT".to_string(),
            url: format!(
                "{}/api/blobs/{}?size={}",
                state.public_base, blob.sha256, blob.size
            ),
            headers: vec![octets],
            needs_auth: true,
            complete_url: None,
        })
    }
}

#[derive(Debug, Deserialize, IntoParams, ToSchema)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// The blob's size in bytes, as declared to `/api/blobs/check`.
    pub size: u64,
}

/// Streams the bytes into the store, checking size and SHA-256 on the way.
#[utoipa::path(put, path = "/api/blobs/{sha256}", tag = "blobs", security(("token" = [])),
    params(("sha256" = String, Path), UploadQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = BlobInfo), (status = 200, description = "Stored already", body = BlobInfo),
              (status = 400, description = "Size or hash mismatch, or a cut-off body", body = registry_api::ErrorBody),
              (status = 413, body = registry_api::ErrorBody)))]
pub async fn upload(
    state: web::Data<AppState>,
    AuthUser(user): AuthUser,
    path: web::Path<String>,
    query: web::Query<UploadQuery>,
    body: web::Payload,
) -> ApiResult<HttpResponse> {
    let sha256 = path.into_inner();
    let size = query.size;
    check_hash(&sha256)?;
    check_size(&state, &sha256, size)?;
    let lookup = vec![sha256.clone()];
    let known = state
        .db
        .run(move |conn| blobs::sizes(conn, &lookup))
        .await?;
    if known.get(&sha256).is_some_and(|&s| s as u64 == size) {
        return Ok(HttpResponse::Ok().json(BlobInfo { sha256, size }));
    }
    state
        .store
        .put_verified(&sha256, size, body)
        .await
        .map_err(upload_refused)?;
    let record = sha256.clone();
    state
        .db
        .run(move |conn| blobs::record(conn, &record, size as i64))
        .await?;
    tracing::info!(user = %user.username, %sha256, size, "blob stored");
    Ok(HttpResponse::Created().json(BlobInfo { sha256, size }))
}

#[derive(Debug, Deserialize, IntoParams, ToSchema)]
#[into_params(parameter_in = Query)]
pub struct CompleteQuery {
    pub upload_id: uuid::Uuid,
    pub size: u64,
}

/// After a presigned upload: the server hashes what arrived and records it.
#[utoipa::path(post, path = "/api/blobs/{sha256}/complete", tag = "blobs", security(("token" = [])),
    params(("sha256" = String, Path), CompleteQuery),
    responses((status = 201, body = BlobInfo),
              (status = 400, description = "Size or hash mismatch", body = registry_api::ErrorBody),
              (status = 404, description = "Nothing uploaded under this id", body = registry_api::ErrorBody)))]
pub async fn complete(
    state: web::Data<AppState>,
    AuthUser(user): AuthUser,
    path: web::Path<String>,
    query: web::Query<CompleteQuery>,
) -> ApiResult<HttpResponse> {
    let sha256 = path.into_inner();
    let CompleteQuery { upload_id, size } = query.into_inner();
    check_hash(&sha256)?;
    check_size(&state, &sha256, size)?;
    state
        .store
        .verify_staged(&upload_id, &sha256, size)
        .await
        .map_err(upload_refused)?;
    let record = sha256.clone();
    state
        .db
        .run(move |conn| blobs::record(conn, &record, size as i64))
        .await?;
    tracing::info!(user = %user.username, %sha256, size, "blob stored (presigned)");
    Ok(HttpResponse::Created().json(BlobInfo { sha256, size }))
}
