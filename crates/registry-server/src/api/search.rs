//! `GET /api/search`: free text over name, title and description.

use actix_web::{web, HttpResponse};
use registry_api::package::PackageSummary;
use registry_api::search::{SearchQuery, SearchResponse};

use crate::app::AppState;
use crate::auth::MaybeUser;
use crate::db::format_ms;
use crate::db::models::packages::{self, PackageRow, SearchParams};
use crate::error::{ApiError, ApiResult};

pub const DEFAULT_PER_PAGE: u32 = 20;
pub const MAX_PER_PAGE: u32 = 100;
const MAX_QUERY_LEN: usize = 200;

pub fn summary(row: PackageRow, owner: String) -> PackageSummary {
    let visibility = row.visibility();
    PackageSummary {
        owner,
        name: row.name,
        title: row.title,
        description: row.description,
        visibility,
        latest_revision: row.latest_revision,
        downloads: row.downloads,
        created_at: format_ms(row.created_at),
        updated_at: format_ms(row.updated_at),
    }
}

#[utoipa::path(get, path = "/api/search", tag = "packages", params(SearchQuery),
    responses((status = 200, body = SearchResponse), (status = 400, body = registry_api::ErrorBody)))]
pub async fn search(
    state: web::Data<AppState>,
    user: MaybeUser,
    query: web::Query<SearchQuery>,
) -> ApiResult<HttpResponse> {
    run(state, user, query.into_inner()).await
}

pub async fn run(
    state: web::Data<AppState>,
    MaybeUser(user): MaybeUser,
    query: SearchQuery,
) -> ApiResult<HttpResponse> {
    let page = query.page.unwrap_or(1);
    if page == 0 {
        return Err(ApiError::bad_request("page numbers start at 1"));
    }
    let per_page = query.per_page.unwrap_or(DEFAULT_PER_PAGE);
    if per_page == 0 || per_page > MAX_PER_PAGE {
        return Err(ApiError::bad_request(format!(
            "per_page must be between 1 and {MAX_PER_PAGE}"
        )));
    }
    if query.q.as_ref().is_some_and(|q| q.len() > MAX_QUERY_LEN) {
        return Err(ApiError::bad_request(format!(
            "the query is longer than {MAX_QUERY_LEN} bytes"
        )));
    }
    let sort = query.sort.unwrap_or_default();
    let (total, rows) = state
        .db
        .run(move |conn| {
            let params = SearchParams {
                text: query.q.as_deref().filter(|q| !q.trim().is_empty()),
                publisher: query.publisher.as_deref(),
                sort,
                offset: i64::from(page - 1) * i64::from(per_page),
                limit: i64::from(per_page),
            };
            packages::search(conn, &params, user.as_ref())
        })
        .await?;
    Ok(HttpResponse::Ok().json(SearchResponse {
        total,
        page,
        per_page,
        results: rows
            .into_iter()
            .map(|(row, owner)| summary(row, owner))
            .collect(),
    }))
}
