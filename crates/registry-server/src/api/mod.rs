//! The REST API under `/api`: one file per resource, routes listed here.

pub mod auth;
pub mod blobs;
pub mod health;
pub mod openapi;
pub mod packages;
pub mod publishers;
pub mod search;
pub mod tags;

use actix_web::{error::JsonPayloadError, web, HttpRequest};

use crate::error::ApiError;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api")
            .route("/health", web::get().to(health::health))
            .route("/openapi.json", web::get().to(openapi::openapi_json))
            .route("/auth/signup", web::post().to(auth::signup))
            .route("/auth/login", web::post().to(auth::login))
            .route("/me", web::get().to(auth::me))
            .route("/me/invitations", web::get().to(publishers::my_invitations))
            .route("/tokens", web::get().to(auth::list_tokens))
            .route("/tokens", web::post().to(auth::create_token))
            .route("/tokens/{id}", web::delete().to(auth::revoke_token))
            .route("/publishers", web::post().to(publishers::create))
            .route("/publishers/{publisher}", web::get().to(publishers::show))
            .route(
                "/publishers/{publisher}",
                web::patch().to(publishers::update),
            )
            .route(
                "/publishers/{publisher}/packages",
                web::get().to(publishers::packages),
            )
            .route(
                "/publishers/{publisher}/members",
                web::get().to(publishers::members),
            )
            .route(
                "/publishers/{publisher}/members/{username}",
                web::patch().to(publishers::change_role),
            )
            .route(
                "/publishers/{publisher}/members/{username}",
                web::delete().to(publishers::remove_member),
            )
            .route(
                "/publishers/{publisher}/invitations",
                web::get().to(publishers::invitations),
            )
            .route(
                "/publishers/{publisher}/invitations",
                web::post().to(publishers::invite),
            )
            .route(
                "/publishers/{publisher}/invitations/accept",
                web::post().to(publishers::accept),
            )
            .route(
                "/publishers/{publisher}/invitations/decline",
                web::post().to(publishers::decline),
            )
            .route("/blobs/check", web::post().to(blobs::check))
            .route("/blobs/{sha256}", web::put().to(blobs::upload))
            .route("/blobs/{sha256}/complete", web::post().to(blobs::complete))
            .route("/search", web::get().to(search::search))
            .route(
                "/packages/{owner}/{name}",
                web::get().to(packages::descriptor),
            )
            .route(
                "/packages/{owner}/{name}",
                web::post().to(packages::publish),
            )
            .route(
                "/packages/{owner}/{name}",
                web::patch().to(packages::update),
            )
            .route(
                "/packages/{owner}/{name}",
                web::delete().to(packages::delete),
            )
            .route(
                "/packages/{owner}/{name}/undelete",
                web::post().to(packages::undelete),
            )
            .route(
                "/packages/{owner}/{name}/purge",
                web::post().to(packages::purge),
            )
            .route(
                "/packages/{owner}/{name}/info",
                web::get().to(packages::info),
            )
            .route(
                "/packages/{owner}/{name}/revisions",
                web::get().to(packages::revisions),
            )
            .route(
                "/packages/{owner}/{name}/archive.zip",
                web::get().to(packages::archive),
            )
            .route(
                "/packages/{owner}/{name}/files/{path:.*}",
                web::get().to(packages::file),
            )
            .route("/packages/{owner}/{name}/tags", web::get().to(tags::list))
            .route(
                "/packages/{owner}/{name}/tags",
                web::post().to(tags::create),
            )
            .route(
                "/packages/{owner}/{name}/tags/{tag}",
                web::delete().to(tags::delete),
            )
            .default_service(web::to(unknown_endpoint)),
    );
}

async fn unknown_endpoint(req: HttpRequest) -> Result<actix_web::HttpResponse, ApiError> {
    Err(ApiError::not_found(format!(
        "no endpoint {} {}: GET /api/openapi.json lists them all",
        req.method(),
        req.path()
    )))
}

/// Bad JSON answers in the API's error shape, and too big a body with 413.
pub fn json_config(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(limit)
        .error_handler(|err, _req| match err {
            JsonPayloadError::Overflow { limit }
            | JsonPayloadError::OverflowKnownLength { limit, .. } => ApiError::too_large(format!(
                "the request body is larger than the {limit} bytes this server accepts"
            ))
            .into(),
            JsonPayloadError::ContentType => {
                ApiError::bad_request("send the body as JSON (Content-Type: application/json)")
                    .into()
            }
            other => ApiError::bad_request(format!("the JSON body is not valid: {other}")).into(),
        })
}

pub fn path_config() -> web::PathConfig {
    web::PathConfig::default()
        .error_handler(|err, _req| ApiError::bad_request(format!("bad path: {err}")).into())
}

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default()
        .error_handler(|err, _req| ApiError::bad_request(format!("bad query string: {err}")).into())
}
