//! The yardstick of `bench/registry.sh`: a bare actix-web handler answering
//! a fixed JSON body the size of a small descriptor, with no database and no
//! middleware. The registry's descriptor GET is measured against it, on the
//! same machine, in the same run.
//!
//! `cargo run --release -p registry-server --example bare_actix -- 127.0.0.1:8181 BYTES`

use actix_web::{web, App, HttpResponse, HttpServer};

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let bind = args.next().unwrap_or_else(|| "127.0.0.1:8181".to_string());
    let size: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(600);
    let body = web::Bytes::from(format!(
        "{{\"padding\":\"{}\"}}",
        "x".repeat(size.saturating_sub(14))
    ));
    HttpServer::new(move || {
        let body = body.clone();
        App::new().route(
            "/{tail:.*}",
            web::get().to(move || {
                let body = body.clone();
                async move {
                    HttpResponse::Ok()
                        .content_type("application/json")
                        .body(body)
                }
            }),
        )
    })
    .bind(bind)?
    .run()
    .await
}
