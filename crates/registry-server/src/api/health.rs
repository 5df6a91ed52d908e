//! `GET /api/health`: 200 once the server can reach its database.

use actix_web::{web, HttpResponse};
use diesel::connection::SimpleConnection;
use registry_api::package::Health;

use crate::app::AppState;
use crate::error::ApiResult;

#[utoipa::path(get, path = "/api/health", tag = "server",
    responses((status = 200, description = "Ready", body = Health),
              (status = 500, description = "The database cannot be reached", body = registry_api::ErrorBody)))]
pub async fn health(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    state
        .db
        .run(|conn| conn.batch_execute("SELECT 1").map_err(Into::into))
        .await?;
    Ok(HttpResponse::Ok().json(Health {
        status: "ok".to_string(),
        version: env!("CARGO_PKG_VERSION").to_string(),
        database: state.db.url().backend_name().to_string(),
        storage: state.store.kind().to_string(),
    }))
}
