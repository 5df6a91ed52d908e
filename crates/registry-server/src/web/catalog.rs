//! `GET /catalog.csv`: every public package as `url,name,owner`.

use actix_web::{web, HttpResponse};
use registry_api::search::SearchSort;

use crate::app::AppState;
use crate::db::models::packages::{self, SearchParams};
use crate::error::ApiResult;

#[utoipa::path(method(get, head), path = "/catalog.csv", tag = "data package urls",
    responses((status = 200, description = "url,name,owner of every public package", content_type = "text/csv")))]
pub async fn catalog(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let base = state.public_base.clone();
    let rows = state
        .db
        .run(move |conn| {
            let params = SearchParams {
                text: None,
                publisher: None,
                sort: SearchSort::Name,
                offset: 0,
                limit: i64::MAX,
            };
            // Anonymous: public packages only.
            packages::search(conn, &params, None).map(|(_, rows)| rows)
        })
        .await?;
    let mut out = String::from("url,name,owner\n");
    for (row, owner) in rows {
        // Names are [a-z0-9._-]: nothing to quote.
        out.push_str(&format!(
            "{base}/{owner}/{}/datapackage.json,{},{owner}\n",
            row.name, row.name
        ));
    }
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .body(out))
}
