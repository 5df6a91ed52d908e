//! Packages: publish a revision, read descriptors (with ETag), info,
//! revisions, visibility, delete, undelete, purge, files and a zip.

use std::collections::BTreeSet;
use std::sync::Arc;

use actix_web::http::header::{self, HeaderValue};
use actix_web::{web, HttpRequest, HttpResponse};
use datapackage::{Inline, Package};
use registry_api::package::{
    PackageFile, PackageInfo, PublishRequest, PublishResponse, Revision, RevisionList, Tag,
    UpdatePackageRequest, Visibility,
};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use utoipa::IntoParams;

use crate::api::search::summary;
use crate::app::AppState;
use crate::auth::{AuthUser, MaybeUser};
use crate::db::format_ms;
use crate::db::models::packages::{self, Found, PublishInput, RevisionRow, Selector};
use crate::db::models::publishers;
use crate::error::{ApiError, ApiResult};
use crate::read_cache::Lookup;
use crate::storage::is_sha256_hex;
use crate::web::files;

/// `?tag=` or `?revision=`; neither means the latest revision.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RevisionQuery {
    pub tag: Option<String>,
    pub revision: Option<i64>,
}

impl RevisionQuery {
    pub fn selector(&self) -> Result<Selector, ApiError> {
        match (&self.tag, self.revision) {
            (Some(_), Some(_)) => Err(ApiError::bad_request("give tag or revision, not both")),
            (Some(tag), None) => Ok(Selector::Tag(tag.clone())),
            (None, Some(n)) => Ok(Selector::Number(n)),
            (None, None) => Ok(Selector::Latest),
        }
    }
}

fn invalid_descriptor(message: impl Into<String>) -> ApiError {
    ApiError::new(
        actix_web::http::StatusCode::BAD_REQUEST,
        registry_api::ErrorCode::InvalidDescriptor,
        message,
    )
}

/// The local paths a descriptor refers to (resource data, and schemas or
/// dialects given as paths), each checked to stay inside the package.
pub fn local_paths(package: &Package) -> Result<BTreeSet<String>, ApiError> {
    let mut paths = BTreeSet::new();
    for (i, resource) in package.resources.iter().enumerate() {
        let mut named: Vec<(String, &str)> = Vec::new();
        if let Some(path) = &resource.path {
            for (j, p) in path.paths().into_iter().enumerate() {
                named.push((format!("resources[{i}].path[{j}]"), p));
            }
        }
        if let Some(Inline::Reference(p)) = &resource.schema {
            named.push((format!("resources[{i}].schema"), p));
        }
        if let Some(Inline::Reference(p)) = &resource.dialect {
            named.push((format!("resources[{i}].dialect"), p));
        }
        for (at, p) in named {
            datapackage::validate::safe_relative_path(p)
                .map_err(|e| invalid_descriptor(format!("{at}: {e}")))?;
            if !datapackage::is_url(p) {
                paths.insert(p.to_string());
            }
        }
    }
    Ok(paths)
}

/// Checks the descriptor and the file list against each other; returns the
/// package model.
fn check_publish(name: &str, request: &PublishRequest) -> Result<Package, ApiError> {
    if !request.descriptor.is_object() {
        return Err(invalid_descriptor("the descriptor must be a JSON object"));
    }
    let package: Package = datapackage::io::descriptor_from_value(&request.descriptor)
        .map_err(|e| invalid_descriptor(format!("the descriptor is not a data package: {e}")))?;
    let errors = datapackage::validate::validate_package(&package);
    if !errors.is_empty() {
        let list: Vec<String> = errors.iter().take(20).map(ToString::to_string).collect();
        return Err(invalid_descriptor(format!(
            "the descriptor is not valid: {}",
            list.join("; ")
        )));
    }
    if let Some(own) = &package.name {
        if own != name {
            return Err(invalid_descriptor(format!(
                "the descriptor is named {own:?} but is published as {name:?}: make them agree"
            )));
        }
    }
    let mut declared = BTreeSet::new();
    for file in &request.files {
        datapackage::validate::safe_relative_path(&file.path)
            .map_err(|e| invalid_descriptor(format!("files: {e}")))?;
        if datapackage::is_url(&file.path) {
            return Err(invalid_descriptor(format!(
                "files: {:?} is a URL; only local files are uploaded",
                file.path
            )));
        }
        if file.path == "datapackage.json" {
            return Err(invalid_descriptor(
                "files: datapackage.json is the descriptor itself; leave it out of the file list",
            ));
        }
        if !is_sha256_hex(&file.sha256) {
            return Err(ApiError::bad_request(format!(
                "files: {:?} has sha256 {:?}, not 64 lower-case hex digits",
                file.path, file.sha256
            )));
        }
        if !declared.insert(file.path.as_str()) {
            return Err(invalid_descriptor(format!(
                "files: {:?} is listed twice",
                file.path
            )));
        }
    }
    for path in local_paths(&package)? {
        if !declared.contains(path.as_str()) {
            return Err(invalid_descriptor(format!(
                "the descriptor refers to {path:?} but the file list has no blob for it"
            )));
        }
    }
    Ok(package)
}

/// The ETag of a revision: its descriptor and its files' contents. Two
/// revisions with the same descriptor but other data get different ETags,
/// so a client's cached copy of the package is never taken for the new one.
pub fn revision_etag(descriptor: &str, files: &[PackageFile]) -> String {
    let mut sorted: Vec<&PackageFile> = files.iter().collect();
    sorted.sort_by(|a, b| a.path.cmp(&b.path));
    let mut hasher = Sha256::new();
    hasher.update(descriptor.as_bytes());
    for file in sorted {
        hasher.update(format!("\n{}\t{}\t{}", file.path, file.sha256, file.size).as_bytes());
    }
    hex::encode(&hasher.finalize()[..16])
}

/// Publishes a new revision of the package.
#[utoipa::path(post, path = "/api/packages/{owner}/{name}", tag = "packages", security(("token" = [])),
    params(("owner" = String, Path), ("name" = String, Path)), request_body = PublishRequest,
    responses((status = 201, body = PublishResponse),
              (status = 400, description = "Invalid name or descriptor, or a blob missing", body = registry_api::ErrorBody),
              (status = 403, description = "Not a member of the publisher", body = registry_api::ErrorBody),
              (status = 409, description = "Published already (send force), or deleted", body = registry_api::ErrorBody)))]
pub async fn publish(
    state: web::Data<AppState>,
    AuthUser(user): AuthUser,
    path: web::Path<(String, String)>,
    body: web::Json<PublishRequest>,
) -> ApiResult<HttpResponse> {
    let (owner, name) = path.into_inner();
    registry_api::names::check_package_name(&name).map_err(ApiError::invalid_name)?;
    let request = body.into_inner();
    let package = check_publish(&name, &request)?;
    let descriptor = serde_json::to_string_pretty(&request.descriptor)
        .map_err(|e| ApiError::internal(format!("descriptor to JSON: {e}")))?;
    let etag = revision_etag(&descriptor, &request.files);
    let base = state.public_base.clone();
    let (row, number) = state
        .db
        .run(move |conn| {
            let publisher = publishers::find_or_404(conn, &owner)?;
            let role = publishers::role_of(conn, publisher.id, user.id)?;
            if role.is_none() && !user.admin() {
                return Err(ApiError::forbidden(format!(
                    "you are not a member of {owner:?}, so you cannot publish there; publish under your own name ({:?}) or ask an owner of {owner:?} to invite you",
                    user.username
                )));
            }
            packages::publish(
                conn,
                PublishInput {
                    publisher,
                    name,
                    descriptor,
                    etag,
                    title: package.title.clone(),
                    description: package.description.clone(),
                    files: request.files,
                    force: request.force,
                    visibility: request.visibility,
                    readme: request.readme,
                    user_id: user.id,
                },
            )
            .map(|(row, number)| ((row, owner), number))
        })
        .await?;
    let (row, owner) = row;
    state.cache.package_changed();
    tracing::info!(package = %format!("{owner}/{}", row.name), revision = number, "published");
    Ok(HttpResponse::Created().json(PublishResponse {
        datapackage_url: format!("{base}/{owner}/{}/v/{number}/datapackage.json", row.name),
        latest_url: format!("{base}/{owner}/{}/datapackage.json", row.name),
        owner,
        name: row.name.clone(),
        revision: number,
        visibility: row.visibility(),
        uuid: row.uuid,
    }))
}

/// Whether the request's If-None-Match matches `etag` (a bare hex string).
pub fn etag_matches(req: &HttpRequest, etag: &str) -> bool {
    let Some(value) = req.headers().get(header::IF_NONE_MATCH) else {
        return false;
    };
    let Ok(value) = value.to_str() else {
        return false;
    };
    value.split(',').any(|candidate| {
        let candidate = candidate.trim();
        let candidate = candidate.strip_prefix("W/").unwrap_or(candidate);
        candidate == "*" || candidate.trim_matches('"') == etag
    })
}

/// The descriptor of one revision, with its ETag; 304 when the client has it.
pub fn descriptor_response(
    req: &HttpRequest,
    found: &Found,
    revision: &RevisionRow,
) -> HttpResponse {
    let etag = format!("\"{}\"", revision.etag);
    let cache = if found.package.visibility() == Visibility::Public {
        "public, no-cache"
    } else {
        "private, no-cache"
    };
    let mut response = if etag_matches(req, &revision.etag) {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, cache))
        .insert_header(("X-Data-Revision", revision.number.to_string()))
        .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"));
    if etag_matches(req, &revision.etag) {
        response.finish()
    } else {
        response
            .content_type("application/json")
            .body(revision.descriptor.clone())
    }
}

/// Finds the package and revision a read names, or the 404 everyone gets.
/// Anonymous reads of the latest or a numbered revision are answered from
/// the read cache when they can be (see `read_cache.rs`).
pub async fn resolve(
    state: &AppState,
    user: Option<crate::db::models::users::User>,
    owner: String,
    key: String,
    selector: Selector,
) -> ApiResult<(Arc<Found>, Arc<RevisionRow>)> {
    let anonymous = user.is_none();
    if anonymous {
        if let Lookup::Hit(found) = state.cache.package(&owner, &key) {
            let number = match selector {
                Selector::Latest => Some(found.package.latest_revision),
                Selector::Number(n) => Some(n),
                Selector::Tag(_) => None,
            };
            if let Some(revision) = number.and_then(|n| state.cache.revision(found.package.id, n)) {
                return Ok((found, revision));
            }
        }
    }
    let cache_key = (owner.clone(), key.clone());
    let looked_up = state
        .db
        .run(move |conn| {
            let found = packages::visible(conn, &owner, &key, user.as_ref())?;
            let revision =
                packages::revision(conn, &found.package, &selector)?.ok_or_else(|| {
                    ApiError::not_found(match &selector {
                        Selector::Tag(tag) => format!("{owner}/{key} has no tag {tag:?}"),
                        Selector::Number(n) => format!(
                            "{owner}/{key} has no revision {n}: the latest is {}",
                            found.package.latest_revision
                        ),
                        Selector::Latest => format!("{owner}/{key} has no revision"),
                    })
                })?;
            Ok((found, revision))
        })
        .await;
    let (found, revision) = match looked_up {
        Ok(pair) => pair,
        Err(e) => {
            if anonymous {
                // Gone or hidden since it was cached: never serve it again.
                state.cache.forget(&cache_key.0, &cache_key.1);
            }
            return Err(e);
        }
    };
    if anonymous {
        // `visible` passed for an anonymous caller: safe to serve to any.
        state.cache.put_package(&cache_key.0, &cache_key.1, &found);
        state.cache.put_revision(&revision);
    }
    Ok((Arc::new(found), Arc::new(revision)))
}

/// The descriptor (`datapackage.json`) of the latest revision, a tag or a
/// revision.
#[utoipa::path(get, path = "/api/packages/{owner}/{name}", tag = "packages",
    params(("owner" = String, Path), ("name" = String, Path, description = "Name, or the uuid of an unlisted package"), RevisionQuery),
    responses((status = 200, description = "The descriptor, with an ETag", content_type = "application/json"),
              (status = 304, description = "Unchanged since the If-None-Match ETag"),
              (status = 404, description = "Missing, or not visible to the caller", body = registry_api::ErrorBody)))]
pub async fn descriptor(
    req: HttpRequest,
    state: web::Data<AppState>,
    MaybeUser(user): MaybeUser,
    path: web::Path<(String, String)>,
    query: web::Query<RevisionQuery>,
) -> ApiResult<HttpResponse> {
    let (owner, key) = path.into_inner();
    let selector = query.selector()?;
    let (found, revision) = resolve(&state, user, owner, key, selector).await?;
    Ok(descriptor_response(&req, &found, &revision))
}

fn tag_list(rows: Vec<(String, i64, i64)>) -> Vec<Tag> {
    rows.into_iter()
        .map(|(name, revision, updated_at)| Tag {
            name,
            revision,
            updated_at: format_ms(updated_at),
        })
        .collect()
}

/// Everything about a package: summary, tags, files of the chosen revision.
#[utoipa::path(get, path = "/api/packages/{owner}/{name}/info", tag = "packages",
    params(("owner" = String, Path), ("name" = String, Path), RevisionQuery),
    responses((status = 200, body = PackageInfo), (status = 404, body = registry_api::ErrorBody)))]
pub async fn info(
    state: web::Data<AppState>,
    MaybeUser(user): MaybeUser,
    path: web::Path<(String, String)>,
    query: web::Query<RevisionQuery>,
) -> ApiResult<HttpResponse> {
    let (owner, key) = path.into_inner();
    let selector = query.selector()?;
    let base = state.public_base.clone();
    let info = state
        .db
        .run(move |conn| {
            // Owners see their deleted packages here, to undelete them.
            let found = match &user {
                Some(user) => packages::for_member(conn, &owner, &key, user, false, true)
                    .or_else(|_| packages::visible(conn, &owner, &key, Some(user)))?,
                None => packages::visible(conn, &owner, &key, None)?,
            };
            let revision =
                packages::revision(conn, &found.package, &selector)?.ok_or_else(|| {
                    ApiError::not_found(format!("{owner}/{key} has no such revision"))
                })?;
            let files = packages::files(conn, revision.id)?;
            let tags = tag_list(packages::tags(conn, found.package.id)?);
            let show_uuid = found.is_member() || found.via_uuid;
            let owner_name = found.owner().to_string();
            let name = found.package.name.clone();
            let uuid = found.package.uuid.clone();
            let deleted = found.package.deleted_at.is_some();
            let readme = found.package.readme.clone();
            let link_name = if found.via_uuid {
                uuid.clone()
            } else {
                name.clone()
            };
            Ok(PackageInfo {
                summary: summary(found.package, owner_name.clone()),
                uuid: show_uuid.then_some(uuid),
                deleted,
                tags,
                files,
                readme,
                datapackage_url: format!(
                    "{base}/{owner_name}/{link_name}/v/{}/datapackage.json",
                    revision.number
                ),
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(info))
}

#[utoipa::path(get, path = "/api/packages/{owner}/{name}/revisions", tag = "packages",
    params(("owner" = String, Path), ("name" = String, Path)),
    responses((status = 200, body = RevisionList), (status = 404, body = registry_api::ErrorBody)))]
pub async fn revisions(
    state: web::Data<AppState>,
    MaybeUser(user): MaybeUser,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (owner, key) = path.into_inner();
    let list = state
        .db
        .run(move |conn| {
            let found = packages::visible(conn, &owner, &key, user.as_ref())?;
            let tags = packages::tags(conn, found.package.id)?;
            let rows = packages::revisions(conn, found.package.id)?;
            Ok(RevisionList {
                revisions: rows
                    .into_iter()
                    .map(|(row, published_by)| Revision {
                        revision: row.number,
                        published_by,
                        created_at: format_ms(row.created_at),
                        etag: row.etag,
                        tags: tags
                            .iter()
                            .filter(|(_, n, _)| *n == row.number)
                            .map(|(name, _, _)| name.clone())
                            .collect(),
                    })
                    .collect(),
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Changes the visibility (members).
#[utoipa::path(patch, path = "/api/packages/{owner}/{name}", tag = "packages", security(("token" = [])),
    params(("owner" = String, Path), ("name" = String, Path)), request_body = UpdatePackageRequest,
    responses((status = 204), (status = 403, body = registry_api::ErrorBody), (status = 404, body = registry_api::ErrorBody)))]
pub async fn update(
    state: web::Data<AppState>,
    AuthUser(user): AuthUser,
    path: web::Path<(String, String)>,
    body: web::Json<UpdatePackageRequest>,
) -> ApiResult<HttpResponse> {
    let (owner, key) = path.into_inner();
    let request = body.into_inner();
    state
        .db
        .run(move |conn| {
            let found = packages::for_member(conn, &owner, &key, &user, false, false)?;
            if let Some(visibility) = request.visibility {
                packages::set_visibility(conn, found.package.id, visibility)?;
            }
            Ok(())
        })
        .await?;
    state.cache.package_changed();
    Ok(HttpResponse::NoContent().finish())
}

/// Hides the package (owners); `undelete` brings it back.
#[utoipa::path(delete, path = "/api/packages/{owner}/{name}", tag = "packages", security(("token" = [])),
    params(("owner" = String, Path), ("name" = String, Path)),
    responses((status = 204), (status = 403, body = registry_api::ErrorBody), (status = 404, body = registry_api::ErrorBody)))]
pub async fn delete(
    state: web::Data<AppState>,
    AuthUser(user): AuthUser,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (owner, key) = path.into_inner();
    state
        .db
        .run(move |conn| {
            let found = packages::for_member(conn, &owner, &key, &user, true, false)?;
            packages::set_deleted(conn, found.package.id, true)
        })
        .await?;
    state.cache.package_changed();
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(post, path = "/api/packages/{owner}/{name}/undelete", tag = "packages", security(("token" = [])),
    params(("owner" = String, Path), ("name" = String, Path)),
    responses((status = 204), (status = 403, body = registry_api::ErrorBody), (status = 404, body = registry_api::ErrorBody)))]
pub async fn undelete(
    state: web::Data<AppState>,
    AuthUser(user): AuthUser,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (owner, key) = path.into_inner();
    state
        .db
        .run(move |conn| {
            let found = packages::for_member(conn, &owner, &key, &user, true, true)?;
            packages::set_deleted(conn, found.package.id, false)
        })
        .await?;
    state.cache.package_changed();
    Ok(HttpResponse::NoContent().finish())
}

/// Destroys the package for good, with the blobs nothing else refers to.
#[utoipa::path(post, path = "/api/packages/{owner}/{name}/purge", tag = "packages", security(("token" = [])),
    params(("owner" = String, Path), ("name" = String, Path)),
    responses((status = 204), (status = 403, body = registry_api::ErrorBody), (status = 404, body = registry_api::ErrorBody)))]
pub async fn purge(
    state: web::Data<AppState>,
    AuthUser(user): AuthUser,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (owner, key) = path.into_inner();
    let orphans = state
        .db
        .run(move |conn| {
            let found = packages::for_member(conn, &owner, &key, &user, true, true)?;
            packages::purge(conn, found.package.id)
        })
        .await?;
    state.cache.package_changed();
    for sha in &orphans {
        state.store.delete(sha).await?;
    }
    tracing::info!(blobs = orphans.len(), "package purged");
    Ok(HttpResponse::NoContent().finish())
}

/// One file of a revision (`path` as the descriptor names it).
#[utoipa::path(get, path = "/api/packages/{owner}/{name}/files/{path}", tag = "packages",
    params(("owner" = String, Path), ("name" = String, Path), ("path" = String, Path), RevisionQuery),
    responses((status = 200, description = "The bytes (Range supported)"),
              (status = 302, description = "Redirect to a presigned URL (S3)"),
              (status = 404, body = registry_api::ErrorBody)))]
pub async fn file(
    req: HttpRequest,
    state: web::Data<AppState>,
    MaybeUser(user): MaybeUser,
    path: web::Path<(String, String, String)>,
    query: web::Query<RevisionQuery>,
) -> ApiResult<HttpResponse> {
    let (owner, key, file_path) = path.into_inner();
    let selector = query.selector()?;
    let (found, revision) = resolve(&state, user, owner, key, selector).await?;
    files::serve(&req, &state, &found, &revision, &file_path).await
}

/// The whole revision as a zip: `datapackage.json` and every file, streamed.
#[utoipa::path(get, path = "/api/packages/{owner}/{name}/archive.zip", tag = "packages",
    params(("owner" = String, Path), ("name" = String, Path), RevisionQuery),
    responses((status = 200, content_type = "application/zip"), (status = 404, body = registry_api::ErrorBody)))]
pub async fn archive(
    state: web::Data<AppState>,
    MaybeUser(user): MaybeUser,
    path: web::Path<(String, String)>,
    query: web::Query<RevisionQuery>,
) -> ApiResult<HttpResponse> {
    let (owner, key) = path.into_inner();
    let selector = query.selector()?;
    let (found, revision) = resolve(&state, user, owner, key, selector).await?;
    let revision_id = revision.id;
    let file_list: Vec<PackageFile> = state
        .db
        .run(move |conn| packages::files(conn, revision_id))
        .await?;
    let filename = format!(
        "{}-{}-r{}.zip",
        found.owner(),
        found.package.name,
        revision.number
    );
    let stream = files::zip_stream(state.store.clone(), revision.descriptor.clone(), file_list);
    files::count_download(&state, found.package.id).await;
    Ok(HttpResponse::Ok()
        .content_type("application/zip")
        .insert_header((
            header::CONTENT_DISPOSITION,
            HeaderValue::from_str(&format!("attachment; filename=\"{filename}\""))
                .map_err(ApiError::internal)?,
        ))
        .streaming(stream))
}
