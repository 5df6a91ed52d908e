//! What is served outside `/api`: the plain Data Package URLs and the
//! catalog.

pub mod catalog;
pub mod files;
pub mod package_urls;

use actix_web::web;

pub fn routes(cfg: &mut web::ServiceConfig) {
    // HEAD as well as GET: DuckDB's httpfs and others ask for the size first.
    cfg.service(
        web::resource("/catalog.csv")
            .route(web::get().to(catalog::catalog))
            .route(web::head().to(catalog::catalog)),
    )
    .service(
        web::resource("/{owner}/{name}/datapackage.json")
            .route(web::get().to(package_urls::latest_descriptor))
            .route(web::head().to(package_urls::latest_descriptor)),
    )
    .service(
        web::resource("/{owner}/{name}/v/{selector}/datapackage.json")
            .route(web::get().to(package_urls::descriptor_at))
            .route(web::head().to(package_urls::descriptor_at)),
    )
    .service(
        web::resource("/{owner}/{name}/v/{selector}/{path:.+}")
            .route(web::get().to(package_urls::file_at))
            .route(web::head().to(package_urls::file_at)),
    )
    .service(
        web::resource("/{owner}/{name}/{path:.+}")
            .route(web::get().to(package_urls::latest_file))
            .route(web::head().to(package_urls::latest_file)),
    );
}
