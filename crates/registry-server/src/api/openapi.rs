//! `GET /api/openapi.json`: the OpenAPI document of every endpoint.

use actix_web::HttpResponse;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{auth, blobs, health, packages, publishers, search, tags};

#[derive(OpenApi)]
#[openapi(
    info(title = "data-registry", description = "The registry for Frictionless Data Packages. See docs/api.md for the flows."),
    paths(
        health::health, openapi_json,
        auth::signup, auth::login, auth::me, auth::list_tokens, auth::create_token, auth::revoke_token,
        publishers::create, publishers::show, publishers::update, publishers::packages,
        publishers::members, publishers::change_role, publishers::remove_member,
        publishers::invitations, publishers::my_invitations, publishers::invite,
        publishers::accept, publishers::decline,
        blobs::check, blobs::upload, blobs::complete,
        search::search,
        packages::publish, packages::descriptor, packages::info, packages::revisions,
        packages::update, packages::delete, packages::undelete, packages::purge,
        packages::file, packages::archive,
        tags::list, tags::create, tags::delete,
        crate::web::package_urls::latest_descriptor,
        crate::web::package_urls::descriptor_at,
        crate::web::package_urls::latest_file,
        crate::web::package_urls::file_at,
        crate::web::catalog::catalog,
    ),
    modifiers(&BearerToken),
    tags(
        (name = "server"), (name = "auth", description = "Accounts and API tokens"),
        (name = "publishers", description = "Organisations, members and invitations"),
        (name = "blobs", description = "Content-addressed uploads"),
        (name = "packages"), (name = "tags"),
        (name = "data package urls", description = "Plain Data Package URLs any consumer reads"),
    )
)]
pub struct ApiDoc;

struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// This document.
#[utoipa::path(get, path = "/api/openapi.json", tag = "server",
    responses((status = 200, description = "The OpenAPI 3 document of every endpoint", content_type = "application/json")))]
pub async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}
