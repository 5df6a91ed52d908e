//! The plain Data Package URLs: any consumer (frictionless-py, pandas, R,
//! DuckDB, curl) reads a published package with no client of ours.
//!
//! - `/{owner}/{name}/datapackage.json`: the latest descriptor;
//! - `/{owner}/{name}/v/{tag-or-revision}/datapackage.json`: a fixed one;
//! - a resource `path` resolves against either URL to its bytes.
//!
//! `{name}` may be an unlisted package's uuid. Visibility rules are the API's.

use actix_web::{web, HttpRequest, HttpResponse};

use crate::api::packages::{descriptor_response, resolve};
use crate::app::AppState;
use crate::auth::MaybeUser;
use crate::db::models::packages::Selector;
use crate::error::ApiResult;
use crate::web::files;

#[utoipa::path(method(get, head), path = "/{owner}/{name}/datapackage.json", tag = "data package urls",
    params(("owner" = String, Path), ("name" = String, Path, description = "Name, or the uuid of an unlisted package")),
    responses((status = 200, description = "The latest descriptor, with an ETag", content_type = "application/json"),
              (status = 304, description = "Unchanged"), (status = 404, body = registry_api::ErrorBody)))]
pub async fn latest_descriptor(
    req: HttpRequest,
    state: web::Data<AppState>,
    MaybeUser(user): MaybeUser,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (owner, key) = path.into_inner();
    let (found, revision) = resolve(&state, user, owner, key, Selector::Latest).await?;
    Ok(descriptor_response(&req, &found, &revision))
}

#[utoipa::path(method(get, head), path = "/{owner}/{name}/v/{selector}/datapackage.json", tag = "data package urls",
    params(("owner" = String, Path), ("name" = String, Path),
           ("selector" = String, Path, description = "A revision number, a tag or `latest`")),
    responses((status = 200, description = "That revision's descriptor", content_type = "application/json"),
              (status = 304, description = "Unchanged"), (status = 404, body = registry_api::ErrorBody)))]
pub async fn descriptor_at(
    req: HttpRequest,
    state: web::Data<AppState>,
    MaybeUser(user): MaybeUser,
    path: web::Path<(String, String, String)>,
) -> ApiResult<HttpResponse> {
    let (owner, key, selector) = path.into_inner();
    let (found, revision) = resolve(&state, user, owner, key, Selector::parse(&selector)).await?;
    Ok(descriptor_response(&req, &found, &revision))
}

#[utoipa::path(method(get, head), path = "/{owner}/{name}/{path}", tag = "data package urls",
    params(("owner" = String, Path), ("name" = String, Path), ("path" = String, Path, description = "A resource path of the latest descriptor")),
    responses((status = 200, description = "The bytes (Range and ETag supported)"),
              (status = 302, description = "Redirect to a presigned URL (S3)"),
              (status = 404, body = registry_api::ErrorBody)))]
pub async fn latest_file(
    req: HttpRequest,
    state: web::Data<AppState>,
    MaybeUser(user): MaybeUser,
    path: web::Path<(String, String, String)>,
) -> ApiResult<HttpResponse> {
    let (owner, key, file_path) = path.into_inner();
    let (found, revision) = resolve(&state, user, owner, key, Selector::Latest).await?;
    files::serve(&req, &state, &found, &revision, &file_path).await
}

#[utoipa::path(method(get, head), path = "/{owner}/{name}/v/{selector}/{path}", tag = "data package urls",
    params(("owner" = String, Path), ("name" = String, Path),
           ("selector" = String, Path, description = "A revision number, a tag or `latest`"),
           ("path" = String, Path, description = "A resource path of that descriptor")),
    responses((status = 200, description = "The bytes (Range and ETag supported)"),
              (status = 302, description = "Redirect to a presigned URL (S3)"),
              (status = 404, body = registry_api::ErrorBody)))]
pub async fn file_at(
    req: HttpRequest,
    state: web::Data<AppState>,
    MaybeUser(user): MaybeUser,
    path: web::Path<(String, String, String, String)>,
) -> ApiResult<HttpResponse> {
    let (owner, key, selector, file_path) = path.into_inner();
    match resolve(
        &state,
        user.clone(),
        owner.clone(),
        key.clone(),
        Selector::parse(&selector),
    )
    .await
    {
        Ok((found, revision)) => files::serve(&req, &state, &found, &revision, &file_path).await,
        // A latest file that happens to live under a folder named `v`.
        Err(not_found) => {
            let (found, revision) = resolve(&state, user, owner, key, Selector::Latest)
                .await
                .map_err(|_| not_found)?;
            files::serve(
                &req,
                &state,
                &found,
                &revision,
                &format!("v/{selector}/{file_path}"),
            )
            .await
        }
    }
}
