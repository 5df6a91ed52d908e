//! Tags: names for revisions (`latest` always means the newest).

use actix_web::{web, HttpResponse};
use registry_api::package::{CreateTagRequest, Tag, TagList};

use crate::app::AppState;
use crate::auth::{AuthUser, MaybeUser};
use crate::db::format_ms;
use crate::db::models::packages;
use crate::error::{ApiError, ApiResult};

#[utoipa::path(get, path = "/api/packages/{owner}/{name}/tags", tag = "tags",
    params(("owner" = String, Path), ("name" = String, Path)),
    responses((status = 200, body = TagList), (status = 404, body = registry_api::ErrorBody)))]
pub async fn list(
    state: web::Data<AppState>,
    MaybeUser(user): MaybeUser,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (owner, key) = path.into_inner();
    let rows = state
        .db
        .run(move |conn| {
            let found = packages::visible(conn, &owner, &key, user.as_ref())?;
            packages::tags(conn, found.package.id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(TagList {
        tags: rows
            .into_iter()
            .map(|(name, revision, updated_at)| Tag {
                name,
                revision,
                updated_at: format_ms(updated_at),
            })
            .collect(),
    }))
}

/// Tags a revision (the latest by default); 409 when the tag exists, unless
/// `force` moves it.
#[utoipa::path(post, path = "/api/packages/{owner}/{name}/tags", tag = "tags", security(("token" = [])),
    params(("owner" = String, Path), ("name" = String, Path)), request_body = CreateTagRequest,
    responses((status = 201, body = Tag), (status = 400, body = registry_api::ErrorBody),
              (status = 403, body = registry_api::ErrorBody), (status = 404, body = registry_api::ErrorBody),
              (status = 409, description = "The tag exists (send force to move it)", body = registry_api::ErrorBody)))]
pub async fn create(
    state: web::Data<AppState>,
    AuthUser(user): AuthUser,
    path: web::Path<(String, String)>,
    body: web::Json<CreateTagRequest>,
) -> ApiResult<HttpResponse> {
    let (owner, key) = path.into_inner();
    let request = body.into_inner();
    registry_api::names::check_tag_name(&request.name).map_err(ApiError::invalid_name)?;
    let tag = state
        .db
        .run(move |conn| {
            let found = packages::for_member(conn, &owner, &key, &user, false, false)?;
            let revision = request.revision.unwrap_or(found.package.latest_revision);
            packages::set_tag(conn, &found.package, &request.name, revision, request.force)?;
            Ok(Tag {
                name: request.name,
                revision,
                updated_at: format_ms(crate::db::now_ms()),
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(tag))
}

#[utoipa::path(delete, path = "/api/packages/{owner}/{name}/tags/{tag}", tag = "tags", security(("token" = [])),
    params(("owner" = String, Path), ("name" = String, Path), ("tag" = String, Path)),
    responses((status = 204), (status = 403, body = registry_api::ErrorBody), (status = 404, body = registry_api::ErrorBody)))]
pub async fn delete(
    state: web::Data<AppState>,
    AuthUser(user): AuthUser,
    path: web::Path<(String, String, String)>,
) -> ApiResult<HttpResponse> {
    let (owner, key, tag) = path.into_inner();
    state
        .db
        .run(move |conn| {
            let found = packages::for_member(conn, &owner, &key, &user, false, false)?;
            if packages::delete_tag(conn, found.package.id, &tag)? {
                Ok(())
            } else {
                Err(ApiError::not_found(format!(
                    "{owner}/{key} has no tag {tag:?}"
                )))
            }
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
